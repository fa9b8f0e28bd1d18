import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { widgetZipStaleness } from './widget-build.js';

let root: string;
const at = (path: string, epochSeconds: number) => utimesSync(join(root, path), epochSeconds, epochSeconds);

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'widget-build-'));
  mkdirSync(join(root, 'widget', 'components'), { recursive: true });
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'widget', 'components', 'Card.tsx'), 'x');
  writeFileSync(join(root, 'widget', 'components', 'Card.test.tsx'), 'x');
  writeFileSync(join(root, 'manifest.json'), '{}');
  at('widget/components/Card.tsx', 1000);
  at('widget/components/Card.test.tsx', 1000);
  at('manifest.json', 1000);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('widgetZipStaleness', () => {
  it('asks for a build when the archive is missing', () => {
    expect(widgetZipStaleness(root)).toMatch(/missing/);
  });

  it('is satisfied by an archive newer than every source, and ignores tests', () => {
    writeFileSync(join(root, 'dist', 'widget.zip'), 'zip');
    at('dist/widget.zip', 2000);
    at('widget/components/Card.test.tsx', 3000);
    expect(widgetZipStaleness(root)).toBeNull();
  });

  it('names the source that changed after the build', () => {
    writeFileSync(join(root, 'dist', 'widget.zip'), 'zip');
    at('dist/widget.zip', 2000);
    at('widget/components/Card.tsx', 3000);
    expect(widgetZipStaleness(root)).toBe('widget changed after the last build');
    at('widget/components/Card.tsx', 1000);
    at('manifest.json', 3000);
    expect(widgetZipStaleness(root)).toBe('manifest.json changed after the last build');
  });
});
