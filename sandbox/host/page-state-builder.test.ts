import { describe, expect, it } from 'vitest';
import { usesRightPanel, widgetRunsAt } from './page-state-builder.js';

const installed = { status: 'installed' as const, active: true, settings: {} };
const notInstalled = { status: 'install' as const, active: false, settings: {} };

describe('widgetRunsAt', () => {
  it('runs in a card only when the manifest lists the card and the widget is installed', () => {
    expect(widgetRunsAt('cucard', ['cucard-1'], installed)).toBe(true);
    expect(widgetRunsAt('cucard', ['cucard-0'], installed)).toBe(true);
    expect(widgetRunsAt('cucard', ['lcard-1'], installed)).toBe(false);
    expect(widgetRunsAt('cucard', ['cucard-1'], notInstalled)).toBe(false);
    expect(widgetRunsAt('culist', ['cucard-1'], installed)).toBe(false);
  });

  it('opens the settings modal before installation, the advanced page only after', () => {
    expect(widgetRunsAt('settings', ['settings'], notInstalled)).toBe(true);
    expect(widgetRunsAt('advanced_settings', ['advanced_settings'], notInstalled)).toBe(false);
    expect(widgetRunsAt('advanced_settings', ['advanced_settings'], installed)).toBe(true);
  });
});

describe('usesRightPanel', () => {
  it('draws a right-panel block for -1 and plain locations, not for -0', () => {
    expect(usesRightPanel('cucard', ['cucard-1'])).toBe(true);
    expect(usesRightPanel('cucard', ['cucard'])).toBe(true);
    expect(usesRightPanel('cucard', ['cucard-0'])).toBe(false);
  });
});
