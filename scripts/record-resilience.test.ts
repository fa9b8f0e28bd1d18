import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { withFigures } from './record-resilience.js';

it('docs/resilience.md has one figures block that `npm run resilience:record` replaces, leaving the rest', () => {
  const doc = readFileSync(new URL('../docs/resilience.md', import.meta.url), 'utf8');
  const updated = withFigures(doc, '| scenario | lost |\n|---|---|\n| amoOutage | 0 |');
  expect(updated).toContain('<!-- resilience-figures:start -->\n| scenario | lost |\n|---|---|\n| amoOutage | 0 |\n<!-- resilience-figures:end -->');
  const outside = (text: string) => text.slice(0, text.indexOf('<!-- resilience-figures:start -->')) + text.slice(text.indexOf('<!-- resilience-figures:end -->'));
  expect(outside(updated)).toBe(outside(doc));
  expect(() => withFigures('no markers here', 'x')).toThrow(/markers/);
});
