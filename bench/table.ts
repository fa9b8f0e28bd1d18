import type { Figures, Section } from './section.js';

/** Prints one row per figure: section, key, value. Nested objects are flattened with dots. */
export function printTable(collected: Array<{ section: Section; figures: Figures }>): void {
  const rows: Array<[string, string, string]> = [];
  for (const { section, figures } of collected) {
    for (const [key, value] of flatten(figures)) rows.push([section.key, key, value]);
  }
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length), 8));
  const line = (row: readonly string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  console.log(line(['section', 'figure', 'value']));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

function flatten(value: unknown, prefix = ''): Array<[string, string]> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, inner]) => flatten(inner, prefix ? `${prefix}.${key}` : key));
  }
  return [[prefix, Array.isArray(value) ? JSON.stringify(value) : String(value)]];
}
