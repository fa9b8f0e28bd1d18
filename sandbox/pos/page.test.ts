import { Window } from 'happy-dom';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderPosPage } from './page.js';
import { pageScript } from './page-script.js';
import { startTillPage } from './page/till-page.js';
import { startTill, type TillFixture } from './test-support.js';

describe('till page markup', () => {
  it('inlines the bundled page modules as its only script and loads no external assets', () => {
    const html = renderPosPage('/pos');
    expect(html).toContain('data-base="/pos"');
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    expect(scripts).toEqual([pageScript()]);
    // The bundle is the TypeScript module (and the rules it shares with the emulator), not a hand-kept copy.
    expect(pageScript()).toContain('function startTillPage(');
    expect(pageScript()).toContain('function pointsCapForReceipt(');
    // No external assets: the only href is the empty data: favicon (it saves a 404 for /favicon.ico).
    expect(html.match(/<(script|link|img)[^>]+(src|href)="[^"]*"/g)).toEqual(['<link rel="icon" href="data:,"']);
  });

  it('escapes the mount path', () => {
    expect(renderPosPage('/a"><script>')).toContain('data-base="/a&quot;&gt;&lt;script&gt;"');
  });
});

/**
 * The page's own module in happy-dom against the real till API, the way a cashier uses it. (The bundled script in
 * a real browser is exercised by test/e2e/flows/till.test.ts.)
 */
describe('till page in a DOM', () => {
  let till: TillFixture;
  let window: Window;
  let $: (id: string) => HTMLElement;

  beforeAll(async () => {
    till = await startTill();
  });
  beforeEach(async () => {
    await window?.happyDOM.close();
    const origin = new URL(till.posUrl).origin;
    const html = await (await fetch(till.posUrl)).text();
    window = new Window({ url: till.posUrl });
    const document = window.document as unknown as Document;
    document.write(html.replace(/<script>[\s\S]*<\/script>/, ''));
    $ = (id) => document.getElementById(id) as HTMLElement;
    startTillPage({ document, fetch: (url, init) => fetch(origin + url, init), confirm: () => true, base: document.body.getAttribute('data-base') ?? '', debounceMs: 0 });
    await vi.waitFor(() => {
      expect($('product-results').children.length).toBeGreaterThan(0);
      expect($('program').textContent).toContain('Бонусная');
    });
  });
  afterAll(async () => {
    await window?.happyDOM.close();
    await till?.close();
  });

  const type = (id: string, value: string) => {
    const input = $(id) as HTMLInputElement;
    input.value = value;
    input.dispatchEvent(new window.Event('input') as unknown as Event);
  };
  const richestBuyer = () => till.seed.counterparties.filter((c) => c.companyType === 'individual').sort((a, b) => b.bonusPoints - a.bonusPoints)[0]!;
  async function chooseKnownBuyer(phone: string): Promise<void> {
    type('buyer-query', phone);
    await vi.waitFor(() => expect($('buyer-results').children.length).toBeGreaterThan(0));
    ($('buyer-results').children[0] as HTMLElement).click();
  }
  const addFirstProduct = () => ($('product-results').children[0] as HTMLElement).click();

  it('sells to a found buyer with points and shows the receipt, then returns it', async () => {
    expect($('product-folder').querySelectorAll('option').length).toBe(till.seed.productfolders.length + 1);
    const buyer = richestBuyer();
    await chooseKnownBuyer(buyer.phone!);
    expect($('buyer-chosen').textContent).toContain(buyer.name);

    addFirstProduct();
    addFirstProduct();
    expect($('cart-body').children.length).toBe(1);
    const points = $('points') as HTMLInputElement;
    const limit = Number(points.max);
    expect(limit).toBeGreaterThan(0);
    type('points', String(limit));
    expect($('to-pay').textContent).not.toBe($('total').textContent);

    ($('pay') as HTMLButtonElement).click();
    await vi.waitFor(() => expect($('receipt').classList.contains('hidden')).toBe(false));
    expect($('receipt').textContent).toContain(`Оплачено баллами${limit} б.`);
    expect($('cart-body').children.length).toBe(0);

    await vi.waitFor(() => expect($('sales').textContent).toContain('Возврат'));
    ($('sales').querySelector('button') as HTMLButtonElement).click();
    await vi.waitFor(() => expect($('sales').textContent).toContain('Возвращён'));
    expect($('sales-error').textContent).toBe('');
  });

  it('keeps «Оплатить баллами» shown for a known buyer through every cart change (issue 13), hidden otherwise', async () => {
    const pointsShown = () => !$('points-box').classList.contains('hidden');
    expect(pointsShown()).toBe(false); // no buyer yet
    await chooseKnownBuyer(richestBuyer().phone!);
    const seen: boolean[] = [pointsShown()];
    for (let i = 0; i < 3; i += 1) {
      addFirstProduct();
      seen.push(pointsShown());
    }
    (($('cart-body').querySelector('button[title="Меньше"]') as HTMLButtonElement) ?? null).click();
    seen.push(pointsShown());
    type('points', '1');
    seen.push(pointsShown());
    expect(seen).toEqual([true, true, true, true, true, true]);

    // A new buyer (created by the sale) has no points yet: the input is hidden, and stays hidden.
    ($('buyer-chosen').querySelector('button.link') as HTMLButtonElement).click();
    expect(pointsShown()).toBe(false);
    ($('new-name') as HTMLInputElement).value = 'Новая Покупательница';
    ($('new-phone') as HTMLInputElement).value = '+79995550011';
    $('new-buyer').dispatchEvent(new window.Event('submit', { cancelable: true }) as unknown as Event);
    expect($('buyer-chosen').textContent).toContain('(новый)');
    addFirstProduct();
    expect(pointsShown()).toBe(false);
    addFirstProduct();
    expect(pointsShown()).toBe(false);
  });
});
