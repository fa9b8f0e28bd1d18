import { z } from 'zod';

/** Real МойСклад API root; the emulator passes its own `baseUrl` so that every meta.href resolves locally. */
export const DEFAULT_BASE_URL = 'https://api.moysklad.ru/api/remap/1.2';

/**
 * A fixed default "now" keeps generateSeed() a pure function of its options (same options → same bytes).
 * Callers who want sales "until today" pass `now` explicitly (the CLI does).
 */
export const DEFAULT_NOW = '2026-11-01T09:00:00.000Z';

const seedOptionsSchema = z.object({
  seed: z.number().int().min(0).max(0xffffffff).default(1),
  buyers: z.number().int().min(0).max(1_000_000).default(40),
  legalEntities: z.number().int().min(0).max(100_000).default(6),
  entrepreneurs: z.number().int().min(0).max(100_000).default(4),
  products: z.number().int().min(1).max(200_000).default(30),
  /** The last N products are archived (never sold; the sync must skip them via archived=false). */
  archivedProducts: z.number().int().min(0).max(200_000).default(0),
  /** How many products on sale get modifications (2–3 each); none are sold in the seeded history. */
  productsWithVariants: z.number().int().min(0).max(200_000).default(3),
  /** 1 = only top-level groups; 3 = the full tree (Фототовары → Аксессуары для фото → Штативы). */
  folderDepth: z.number().int().min(1).max(3).default(3),
  sales: z.number().int().min(0).max(2_000_000).default(80),
  /** How far back the past retail sales go. */
  salesMonths: z.number().int().min(1).max(60).default(6),
  baseUrl: z.url().default(DEFAULT_BASE_URL),
  /** Instant the seed is generated "at"; sales lie before it. ISO string or epoch ms. */
  now: z.union([z.iso.datetime({ offset: true }), z.number().int()]).default(DEFAULT_NOW),
  /** Account id stamped on every entity; the emulator's default account when omitted. */
  accountId: z.guid().optional(),
});

export type SeedOptionsInput = z.input<typeof seedOptionsSchema>;
export type SeedOptions = z.output<typeof seedOptionsSchema>;

/** Sizes for benchmarks and load tests. */
export const BIG_SEED_SIZES = { buyers: 5000, products: 500, sales: 10_000 } as const satisfies SeedOptionsInput;

export function parseSeedOptions(input: SeedOptionsInput = {}): SeedOptions {
  const result = seedOptionsSchema
    .refine((o) => o.archivedProducts < o.products, { message: 'must be smaller than products', path: ['archivedProducts'] })
    .safeParse(input);
  if (!result.success) {
    throw new Error(`Invalid seed options: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}
