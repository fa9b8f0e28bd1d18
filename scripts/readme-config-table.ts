/**
 * Keeps the README's configuration table equal to the proxy's config schema (`configTableMarkdown()`):
 * `tsx scripts/readme-config-table.ts` rewrites it; `readme-config-table.test.ts` fails when they drift.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configTableMarkdown } from '../proxy/config.js';

export const README_PATH = fileURLToPath(new URL('../README.md', import.meta.url));
const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

export function withConfigTable(readme: string): string {
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error(`README.md lacks the ${START} … ${END} markers`);
  return `${readme.slice(0, from + START.length)}\n${configTableMarkdown().trim()}\n${readme.slice(to)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(README_PATH, withConfigTable(readFileSync(README_PATH, 'utf8')));
}
