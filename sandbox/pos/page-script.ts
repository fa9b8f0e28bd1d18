import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const ENTRY = new URL('./page/entry.ts', import.meta.url);

let bundled: string | undefined;

/**
 * The till page's inline script: the TypeScript modules under ./page/ (typechecked with the rest of the tree)
 * bundled by esbuild — already installed as the engine of tsx and vite — into one readable IIFE. Built once per
 * process, on first use (a few tens of milliseconds).
 */
export function pageScript(): string {
  bundled ??= bundle();
  return bundled;
}

function bundle(): string {
  const result = buildSync({
    entryPoints: [fileURLToPath(ENTRY)],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    charset: 'utf8',
    legalComments: 'none',
  });
  const code = result.outputFiles[0]?.text;
  if (!code) throw new Error('esbuild produced no till page script');
  // Inside <script>…</script> the sequence "</script" would end the element early, whatever JavaScript means by it.
  return code.replace(/<\/script/gi, '<\\/script');
}
