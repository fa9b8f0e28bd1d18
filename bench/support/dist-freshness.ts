import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

/** Newest modification time of the proxy's sources (tests excluded): what dist/proxy must be newer than. */
function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMs(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The built entry when it is at least as new as every source file; else null (run the sources with tsx). */
export function freshProxyBuild(): string | null {
  const built = join(REPO_ROOT, 'dist', 'proxy', 'server.js');
  if (!existsSync(built)) return null;
  return statSync(built).mtimeMs >= newestSourceMs(join(REPO_ROOT, 'proxy')) ? built : null;
}
