import { cleanup } from '@testing-library/preact';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { resetFakeProxy } from './handlers.js';
import { server } from './server.js';

// Preact hooks schedule effects with requestAnimationFrame (`afterPaint` in preact/hooks/src/index.js); happy-dom may lack it.
globalThis.requestAnimationFrame ??= (callback: FrameRequestCallback) =>
  setTimeout(() => callback(performance.now()), 0) as unknown as number;
globalThis.cancelAnimationFrame ??= (handle: number) => clearTimeout(handle);

// main.ts links style.css; happy-dom must not try to download it (no network in tests).
const happyDom = (globalThis as { happyDOM?: { settings: { handleDisabledFileLoadingAsSuccess?: boolean } } }).happyDOM;
if (happyDom) happyDom.settings.handleDisabledFileLoadingAsSuccess = true;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  resetFakeProxy();
});
afterEach(() => {
  cleanup();
  server.resetHandlers();
  document.head.innerHTML = '';
  document.body.innerHTML = '';
  delete (globalThis as { APP?: unknown }).APP;
});
afterAll(() => server.close());
