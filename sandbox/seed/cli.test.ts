import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { generateSeed } from './generate.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('seed CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seed-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the same JSON as generateSeed and prints a summary', () => {
    const file = join(dir, 'seed.json');
    const { io, err } = capture();
    const code = runCli(['--buyers', '12', '--products', '8', '--sales', '20', '--seed', '5', '--now', '2026-10-01T00:00:00Z', '--out', file], io);
    expect(code).toBe(0);
    const expected = generateSeed({ buyers: 12, products: 8, sales: 20, seed: 5, now: '2026-10-01T00:00:00Z' });
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(expected));
    expect(err()).toContain('individual 12');
    expect(err()).toContain('retaildemands: 20');
  });

  it('refuses bad flags with a clear message and exit code 2', () => {
    const bad = capture();
    expect(runCli(['--sales', 'lots'], bad.io)).toBe(2);
    expect(bad.err()).toMatch(/Invalid flags[\s\S]*sales/);
    const unknown = capture();
    expect(runCli(['--colour', 'red'], unknown.io)).toBe(2);
    expect(unknown.err()).toMatch(/Unknown option '--colour'/);
  });
});
