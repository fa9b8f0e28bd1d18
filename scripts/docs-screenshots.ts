// `npm run docs:screenshots`: refreshes the README's pictures (docs/screenshots/*.png). Tests never write docs/:
// the browser flow test leaves candidates under test-results/readme/ once its assertions passed; this script
// runs that test on a fresh build and copies the candidates of a fully passing run.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { README_CANDIDATES_DIR, README_SHOTS, readmeCandidatePath } from '../test/e2e/flows/readme-screenshots.js';

const ROOT = join(import.meta.dirname, '..');
const DOCS_DIR = join(ROOT, 'docs', 'screenshots');
const FLOW_TEST = 'test/e2e/flows/card.test.ts';

rmSync(README_CANDIDATES_DIR, { recursive: true, force: true }); // only this run's pictures may be copied
const run = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project', 'e2e', FLOW_TEST], { cwd: ROOT, stdio: 'inherit' });
if (run.status !== 0) {
  console.error(`${FLOW_TEST} failed: docs/screenshots left as they were`);
  process.exit(1);
}
const missing = README_SHOTS.filter((name) => !existsSync(readmeCandidatePath(name)));
if (missing.length > 0) {
  console.error(`the flow test passed but left no candidate for ${missing.join(', ')}: docs/screenshots left as they were`);
  process.exit(1);
}
mkdirSync(DOCS_DIR, { recursive: true });
for (const name of README_SHOTS) {
  copyFileSync(readmeCandidatePath(name), join(DOCS_DIR, `${name}.png`));
  console.log(`docs/screenshots/${name}.png updated`);
}
