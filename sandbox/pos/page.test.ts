import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPosPage } from './page.js';
import { PAGE_SCRIPT } from './page-script.js';
import { startTill, type TillFixture } from './test-support.js';

describe('till page markup', () => {
  it('has an inline script that parses and no external assets', () => {
    expect(() => new Function(PAGE_SCRIPT)).not.toThrow();
    const html = renderPosPage('/pos');
    expect(html).toContain('data-base="/pos"');
    // No external assets: the only href is the empty data: favicon (it saves a 404 for /favicon.ico).
    expect(html.match(/<(script|link|img)[^>]+(src|href)="[^"]*"/g)).toEqual(['<link rel="icon" href="data:,"']);
  });

  it('escapes the mount path', () => {
    expect(renderPosPage('/a"><script>')).toContain('data-base="/a&quot;&gt;&lt;script&gt;"');
  });
});

/**
 * Runs the page's own script in happy-dom against the real till API, the way a cashier uses it.
 * (Real-browser checks live in test/e2e; this catches wiring mistakes between page and API.)
 */
describe('till page in a DOM', () => {
  let till: TillFixture;
  let window: Window;
  let $: (id: string) => HTMLElement;

  const until = async (check: () => boolean, what: string) => {
    for (let i = 0; i < 200; i += 1) {
      if (check()) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  beforeAll(async () => {
    till = await startTill();
    const origin = new URL(till.posUrl).origin;
    const html = await (await fetch(till.posUrl)).text();
    window = new Window({ url: till.posUrl });
    const document = window.document;
    document.write(html.replace(/<script>[\s\S]*<\/script>/, ''));
    $ = (id) => document.getElementById(id) as unknown as HTMLElement;
    const relativeFetch = (url: string, init?: RequestInit) => fetch(origin + url, init);
    const stubWindow = { confirm: () => true };
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
    new Function('document', 'fetch', 'window', script)(document, relativeFetch, stubWindow);
  });
  afterAll(async () => {
    await window?.happyDOM.close();
    await till?.close();
  });

  it('sells to a found buyer with points and shows the receipt, then returns it', async () => {
    await until(() => $('product-results').children.length > 0 && $('program').textContent!.includes('Бонусная'), 'catalog');
    expect($('product-folder').querySelectorAll('option').length).toBe(till.seed.productfolders.length + 1);

    const buyer = till.seed.counterparties.filter((c) => c.companyType === 'individual').sort((a, b) => b.bonusPoints - a.bonusPoints)[0]!;
    const input = $('buyer-query') as HTMLInputElement;
    input.value = buyer.phone!;
    input.dispatchEvent(new window.Event('input') as unknown as Event);
    await until(() => $('buyer-results').children.length > 0, 'buyer results');
    ($('buyer-results').children[0] as HTMLElement).click();
    expect($('buyer-chosen').textContent).toContain(buyer.name);

    ($('product-results').children[0] as HTMLElement).click();
    ($('product-results').children[0] as HTMLElement).click();
    expect($('cart-body').children.length).toBe(1);
    const points = $('points') as HTMLInputElement;
    const limit = Number(points.max);
    expect(limit).toBeGreaterThan(0);
    points.value = String(limit);
    points.dispatchEvent(new window.Event('input') as unknown as Event);
    expect($('to-pay').textContent).not.toBe($('total').textContent);

    ($('pay') as HTMLButtonElement).click();
    await until(() => !$('receipt').classList.contains('hidden'), 'receipt');
    expect($('receipt').textContent).toContain(`Оплачено баллами${limit} б.`);
    expect($('cart-body').children.length).toBe(0);

    await until(() => ($('sales').textContent ?? '').includes('Возврат'), 'recent sales');
    const returnButton = $('sales').querySelector('button') as unknown as HTMLButtonElement;
    returnButton.click();
    await until(() => ($('sales').textContent ?? '').includes('Возвращён'), 'returned mark');
    expect($('sales-error').textContent).toBe('');
  });
});
