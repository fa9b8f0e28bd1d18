import { it } from 'vitest';
it('debug', async () => {
  const a = await import('./api-router.js');
  const b = await import(/* @vite-ignore */ './api-router.ts?bust=' + Date.now());
  console.log('HAS', a.apiRouter.length, b.apiRouter.length);
});
