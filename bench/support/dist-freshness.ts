import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

/** Newest modification time of the proxy's sources (tests excluded): what a build must be newer than. */
function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMs(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

// Under node_modules so the compiled files resolve the repo's dependencies; .cache is ignored by git.
const PRIVATE_BUILD = join(REPO_ROOT, 'node_modules', '.cache', 'bench-proxy');

/**
 * The proxy's entry as production runs it (compiled JS, no tsx loader in memory): dist/proxy when it is current,
 * else a private build of the current sources (dist/ belongs to the lead's build and is not touched).
 */
export function currentProxyBuild(): { entry: string; label: string } | null {
  const newest = newestSourceMs(join(REPO_ROOT, 'proxy'));
  const dist = join(REPO_ROOT, 'dist', 'proxy', 'server.js');
  if (existsSync(dist) && statSync(dist).mtimeMs >= newest) return { entry: dist, label: 'node dist/proxy/server.js' };
  const privateEntry = join(PRIVATE_BUILD, 'server.js');
  if (!existsSync(privateEntry) || statSync(privateEntry).mtimeMs < newest) {
    mkdirSync(PRIVATE_BUILD, { recursive: true });
    // Emits even if another folder is mid-edit with type errors (tsc's default), so only a crash stops us.
    spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', PRIVATE_BUILD], { cwd: REPO_ROOT, stdio: 'ignore', timeout: 240_000 });
    writeFileSync(join(PRIVATE_BUILD, 'package.json'), '{ "type": "module" }\n');
  }
  return existsSync(privateEntry) ? { entry: privateEntry, label: 'node <tsc build of the current proxy/ sources>/server.js' } : null;
}
