import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { WIDGET_BUDGET_BYTES, shippedGzipBytes } from '../../scripts/widget-budget.js';
import { REPO_ROOT } from '../support/paths.js';
import { SkipSection, round, type Section } from '../section.js';

const GOAL_BYTES = WIDGET_BUDGET_BYTES;
const gzipBytes = (data: string | Buffer) => gzipSync(data, { level: 9 }).length;

/** What amoCRM downloads on every page: script.js + style.css of the archive, gzip -9 as a CDN would send them. */
export const widgetSizeSection: Section = {
  key: 'widgetSize',
  title: 'Widget size (gzip -9)',
  timeoutMs: () => 180_000,
  async run({ log }) {
    const dir = join(REPO_ROOT, 'dist', 'widget');
    const scriptPath = join(dir, 'script.js');
    const stylePath = join(dir, 'style.css');
    if (!existsSync(scriptPath) || !existsSync(stylePath)) {
      log('dist/widget is missing: running npm run build:widget');
      const build = spawnSync('npm', ['run', 'build:widget'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'], timeout: 150_000 });
      if (build.status !== 0 || !existsSync(scriptPath)) throw new SkipSection(`npm run build:widget failed: ${String(build.stderr).slice(-300)}`);
    }
    const script = readFileSync(scriptPath, 'utf8');
    const style = readFileSync(stylePath, 'utf8');
    const shippedGzip = shippedGzipBytes(script, style).total;
    const minified = await minifyForReference(script);
    const minifiedGzip = minified === null ? null : gzipBytes(minified.code) + gzipBytes(style);
    return {
      scriptRawBytes: Buffer.byteLength(script),
      styleRawBytes: Buffer.byteLength(style),
      scriptGzipBytes: gzipBytes(script),
      styleGzipBytes: gzipBytes(style),
      shippedGzipBytes: shippedGzip,
      minifier: minified?.tool ?? 'none available',
      minifiedScriptRawBytes: minified ? Buffer.byteLength(minified.code) : null,
      minifiedGzipBytes: minifiedGzip,
      goalBytes: GOAL_BYTES,
      shippedVsGoal: round(shippedGzip / GOAL_BYTES, 3),
      minifiedVsGoal: minifiedGzip === null ? null : round(minifiedGzip / GOAL_BYTES, 3),
      meetsGoal: shippedGzip <= GOAL_BYTES,
    };
  },
};

/** oxc's minifier (what vite 8 uses) first, esbuild as a fallback; both are vite's own dependencies. */
async function minifyForReference(code: string): Promise<{ tool: string; code: string } | null> {
  try {
    const { minify } = (await import('rolldown/experimental')) as { minify: (file: string, code: string, options?: object) => Promise<{ code: string }> };
    const result = await minify('script.js', code, { compress: true, mangle: true });
    return { tool: 'oxc (rolldown/experimental minify)', code: result.code };
  } catch {
    try {
      const esbuild = await import('esbuild');
      const result = await esbuild.transform(code, { minify: true, loader: 'js' });
      return { tool: `esbuild ${esbuild.version}`, code: result.code };
    } catch {
      return null;
    }
  }
}
