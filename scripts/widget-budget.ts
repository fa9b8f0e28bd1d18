import { gzipSync } from 'node:zlib';

/**
 * What every amoCRM page downloads of the widget: script.js + style.css, gzip -9 as a CDN would send them. One
 * definition for the build test (which fails over budget) and the benchmark (which reports the margin).
 */
export const WIDGET_BUDGET_BYTES = 25 * 1024;

export function shippedGzipBytes(script: string | Uint8Array, style: string | Uint8Array): { script: number; style: number; total: number } {
  const size = (data: string | Uint8Array) => gzipSync(data, { level: 9 }).length;
  const sizes = { script: size(script), style: size(style) };
  return { ...sizes, total: sizes.script + sizes.style };
}
