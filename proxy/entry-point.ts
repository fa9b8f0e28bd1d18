import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * True when the module at `moduleUrl` is the script node was started with (`node dist/proxy/server.js`,
 * `tsx proxy/cli/sync.ts`), false when it is imported (tests, the sandbox). Symlinks are resolved, since npm and
 * deploy tools often start scripts through one.
 */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
