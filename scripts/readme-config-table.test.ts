import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { README_PATH, withConfigTable } from './readme-config-table.js';

it('the README documents exactly the variables the proxy reads (run `tsx scripts/readme-config-table.ts` to update)', () => {
  const readme = readFileSync(README_PATH, 'utf8');
  expect(readme).toBe(withConfigTable(readme));
});
