import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/results.json: the benchmarks and the resilience suite both write here, each under its own key. */
export const RESULTS_PATH = join(dirname(fileURLToPath(import.meta.url)), 'results.json');

export type Results = Record<string, unknown>;

export function readResults(path = RESULTS_PATH): Results {
  if (!existsSync(path)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Results) : {};
  } catch {
    return {}; // a half-written or hand-edited file must not stop a run; it is rewritten whole below
  }
}

/**
 * Read-modify-write of one top-level key (optionally one sub-key), so `npm run bench` keeps the
 * resilience figures and `npm run test:resilience` keeps the bench figures. Written through a temp
 * file + rename so a killed run never leaves a truncated JSON behind.
 */
export function mergeResults(key: string, value: unknown, subKey?: string, path = RESULTS_PATH): void {
  const results = readResults(path);
  if (subKey === undefined) results[key] = value;
  else {
    const current = results[key];
    const bucket = current && typeof current === 'object' && !Array.isArray(current) ? (current as Results) : {};
    bucket[subKey] = value;
    results[key] = bucket;
  }
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(temp, path);
}
