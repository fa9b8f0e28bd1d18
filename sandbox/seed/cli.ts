/**
 * Writes a deterministic МойСклад seed as JSON.
 *   tsx sandbox/seed/cli.ts --buyers 5000 --products 500 --sales 10000 --seed 42 --out seed.json
 * Without --out the JSON goes to stdout; the summary always goes to stderr.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { generateSeed } from './generate.js';
import { DAY_MS } from './moscow-time.js';
import { summarizeSeed } from './summary.js';

const count = (max: number) => z.coerce.number().int().min(0).max(max).optional();

const flagsSchema = z.object({
  buyers: count(1_000_000),
  'legal-entities': count(100_000),
  entrepreneurs: count(100_000),
  products: z.coerce.number().int().min(1).max(200_000).optional(),
  'archived-products': count(200_000),
  'products-with-variants': count(200_000),
  'folder-depth': z.coerce.number().int().min(1).max(3).optional(),
  sales: count(2_000_000),
  'sales-months': z.coerce.number().int().min(1).max(60).optional(),
  seed: z.coerce.number().int().min(0).max(0xffffffff).optional(),
  'base-url': z.url().optional(),
  /** ISO instant; default: today 00:00 UTC, so repeated runs on one day give the same file. */
  now: z.iso.datetime({ offset: true }).optional(),
  out: z.string().min(1).optional(),
  help: z.boolean().optional(),
});

const USAGE = `usage: tsx sandbox/seed/cli.ts [--buyers N] [--legal-entities N] [--entrepreneurs N] [--products N]
  [--archived-products N] [--products-with-variants N] [--folder-depth 1..3] [--sales N] [--sales-months N] [--seed N] [--base-url URL] [--now ISO] [--out FILE]`;

/** Where the CLI writes; tests pass collectors instead of the process streams. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export function runCli(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): number {
  let raw: Record<string, unknown>;
  try {
    const stringFlags = Object.keys(flagsSchema.shape).filter((k) => k !== 'help');
    raw = parseArgs({
      args: argv,
      options: {
        ...Object.fromEntries(stringFlags.map((name) => [name, { type: 'string' as const }])),
        help: { type: 'boolean' as const, short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const parsed = flagsSchema.safeParse(raw);
  if (!parsed.success) {
    io.stderr.write(`Invalid flags:\n${z.prettifyError(parsed.error)}\n${USAGE}\n`);
    return 2;
  }
  const flags = parsed.data;
  if (flags.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const started = performance.now();
  const seed = generateSeed({
    buyers: flags.buyers,
    legalEntities: flags['legal-entities'],
    entrepreneurs: flags.entrepreneurs,
    products: flags.products,
    archivedProducts: flags['archived-products'],
    productsWithVariants: flags['products-with-variants'],
    folderDepth: flags['folder-depth'],
    sales: flags.sales,
    salesMonths: flags['sales-months'],
    seed: flags.seed,
    baseUrl: flags['base-url'],
    now: flags.now ?? Math.floor(Date.now() / DAY_MS) * DAY_MS,
  });
  const json = JSON.stringify(seed);
  if (flags.out) writeFileSync(flags.out, json);
  else io.stdout.write(`${json}\n`);
  const elapsed = Math.round(performance.now() - started);
  io.stderr.write(`${summarizeSeed(seed)}\ngenerated in ${elapsed} ms${flags.out ? ` → ${flags.out}` : ''}\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = runCli(process.argv.slice(2));
}
