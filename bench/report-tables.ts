import type { Results } from './results-file.js';

/** One figure as the docs print it: '—' when missing, JSON for objects. */
export const show = (value: unknown) => (value === undefined ? '—' : typeof value === 'object' ? JSON.stringify(value) : String(value));

export function machineLine(results: Results): string {
  const m = results.machine as Record<string, unknown> | undefined;
  return `Machine: ${show(m?.cpuCount)} × ${show(m?.cpuModel)}, ${show(m?.totalMemoryGiB)} GiB RAM, ${show(m?.platform)}, node ${show(m?.node)}.`;
}

/** The resilience scenarios (`results.resilience`) as the table of docs/resilience.md. */
export function resilienceTable(results: Results): string {
  const rows = Object.entries((results.resilience ?? {}) as Record<string, Record<string, unknown>>).map(([name, value]) => {
    const { lost, duplicated, detail: _detail, machine: _machine, ...rest } = value;
    return `| ${name} | ${show(lost)} | ${show(duplicated)} | ${Object.entries(rest).map(([k, v]) => `${k}: ${show(v)}`).join('; ')} |`;
  });
  return ['| scenario | lost | duplicated | other figures |', '|---|---|---|---|', ...rows].join('\n');
}
