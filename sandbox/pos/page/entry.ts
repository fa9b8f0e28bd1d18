// Browser entry of the till page, bundled into the page's inline script by ../page-script.ts.
import { startTillPage } from './till-page.js';

startTillPage({
  document,
  fetch: (url, init) => window.fetch(url, init),
  confirm: (message) => window.confirm(message),
  base: document.body.getAttribute('data-base') ?? '',
});
