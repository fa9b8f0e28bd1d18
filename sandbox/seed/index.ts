// Public surface of the seed: everything else in this folder is an implementation detail.
export { generateSeed } from './generate.js';
export { BIG_SEED_SIZES, DEFAULT_BASE_URL, DEFAULT_NOW, parseSeedOptions, type SeedOptions, type SeedOptionsInput } from './options.js';
export { summarizeSeed } from './summary.js';
export { parseMoscowString, toMoscowString } from './moscow-time.js';
export type * from './types.js';
