// The till page's behaviour in the browser: find or enter a buyer, fill the receipt, pay partly with points, see
// the receipt, return a sale. Bundled for the page by ../page-script.ts; tests drive `startTillPage` directly
// with a DOM and the real till API. All money is integer kopecks; the server re-checks everything computed here.
import type { PosBuyer, PosFolder, PosProduct, PosProgram, PosReceipt, PosSale } from '../pos-backend.js';
import { cartTotal, money, pointsInKopecks, pointsLimit, type CartLine } from './receipt-math.js';

export interface TillPageEnv {
  document: Document;
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  /** The browser's confirmation dialog (a till app asks before a return). */
  confirm: (message: string) => boolean;
  /** Where the till router is mounted (`/pos`): API calls go to `${base}/api/…`. */
  base: string;
  /** Delay of the search boxes (ms). */
  debounceMs?: number;
}

/** Who the sale is for: a buyer МойСклад knows, or a new one the sale will create (who has no points yet). */
type ChosenBuyer = { kind: 'known'; buyer: PosBuyer } | { kind: 'new'; name: string; phone: string; discountCardNumber: string };

type Child = Node | string | number;
type Attributes = { className?: string; onclick?: () => void; [attribute: string]: string | (() => void) | undefined };

export function startTillPage(env: TillPageEnv): void {
  const { document } = env;
  const state: { buyer: ChosenBuyer | null; cart: CartLine[]; program: PosProgram | null; folders: PosFolder[]; lastReceipt: PosReceipt | null } = {
    buyer: null,
    cart: [],
    program: null,
    folders: [],
    lastReceipt: null,
  };
  const timers: Record<string, ReturnType<typeof setTimeout>> = {};

  function $<T extends HTMLElement = HTMLElement>(id: string): T {
    const element = document.getElementById(id);
    if (!element) throw new Error(`the till page has no #${id}`);
    return element as T;
  }
  function h(tag: string, attributes: Attributes = {}, children: Child[] = []): HTMLElement {
    const element = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) {
      if (value === undefined) continue;
      if (key === 'onclick' && typeof value === 'function') element.addEventListener('click', value);
      else if (key === 'className' && typeof value === 'string') element.className = value;
      else if (typeof value === 'string') element.setAttribute(key, value);
    }
    for (const child of children) element.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
    return element;
  }
  function clear<T extends HTMLElement>(element: T): T {
    while (element.firstChild) element.removeChild(element.firstChild);
    return element;
  }
  function debounce(key: string, work: () => void): void {
    clearTimeout(timers[key]);
    timers[key] = setTimeout(work, env.debounceMs ?? 200);
  }
  async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await env.fetch(`${env.base}/api${path}`, init);
    const data = (await response.json().catch(() => ({}))) as { message?: string };
    if (!response.ok) throw new Error(data.message || `Ошибка ${response.status}`);
    return data as T;
  }
  function showError(id: string, error: unknown): void {
    $(id).textContent = error ? (error instanceof Error ? error.message : String(error)) : '';
  }

  // ---- totals and points ----
  const knownBuyer = (): PosBuyer | null => (state.buyer?.kind === 'known' ? state.buyer.buyer : null);
  const maxPoints = () => pointsLimit(cartTotal(state.cart), knownBuyer()?.bonusPoints ?? null, state.program);
  function requestedPoints(): number {
    const value = Number.parseInt($<HTMLInputElement>('points').value, 10);
    return Number.isFinite(value) && value > 0 ? value : 0;
  }

  // ---- buyer ----
  function renderBuyer(): void {
    const box = clear($('buyer-chosen'));
    const chosen = state.buyer;
    box.classList.toggle('hidden', chosen === null);
    if (!chosen) return;
    const { name, phone, discountCardNumber } = chosen.kind === 'known' ? chosen.buyer : chosen;
    box.appendChild(h('div', {}, [h('strong', {}, [name]), chosen.kind === 'new' ? ' (новый)' : '']));
    box.appendChild(h('div', { className: 'muted' }, [(phone || 'без телефона') + (discountCardNumber ? ` · карта ${discountCardNumber}` : '')]));
    if (chosen.kind === 'known') box.appendChild(h('div', {}, ['Баллов: ', h('strong', { id: 'buyer-points' }, [chosen.buyer.bonusPoints])]));
    box.appendChild(h('button', { className: 'link', onclick: () => ((state.buyer = null), renderAll()) }, ['Сменить покупателя']));
  }
  function searchBuyers(): void {
    const query = $<HTMLInputElement>('buyer-query').value;
    api<{ buyers: PosBuyer[] }>('GET', `/buyers?query=${encodeURIComponent(query)}&limit=15`)
      .then((data) => {
        const list = clear($('buyer-results'));
        for (const buyer of data.buyers) {
          list.appendChild(
            h('li', { onclick: () => chooseBuyer({ kind: 'known', buyer }) }, [
              h('span', {}, [buyer.name, h('div', { className: 'sub' }, [(buyer.phone || '') + (buyer.discountCardNumber ? ` · ${buyer.discountCardNumber}` : '')])]),
              h('span', { className: 'sub' }, [`${buyer.bonusPoints} б.`]),
            ]),
          );
        }
        if (!data.buyers.length) list.appendChild(h('li', { className: 'muted' }, ['Никого не нашли']));
        showError('buyer-error', null);
      })
      .catch((error: unknown) => showError('buyer-error', error));
  }
  function chooseBuyer(buyer: ChosenBuyer): void {
    state.buyer = buyer;
    clear($('buyer-results'));
    $<HTMLInputElement>('buyer-query').value = '';
    renderAll();
  }
  async function refreshBuyer(): Promise<void> {
    const buyer = knownBuyer();
    if (!buyer) return;
    const data = await api<{ buyer: PosBuyer }>('GET', `/buyers/${encodeURIComponent(buyer.id)}`);
    state.buyer = { kind: 'known', buyer: data.buyer };
    renderAll();
  }

  // ---- catalog ----
  function loadProducts(): void {
    const query = $<HTMLInputElement>('product-query').value;
    const folderId = $<HTMLSelectElement>('product-folder').value;
    api<{ folders: PosFolder[]; products: PosProduct[] }>('GET', `/products?query=${encodeURIComponent(query)}&folderId=${encodeURIComponent(folderId)}`)
      .then((data) => {
        if (!state.folders.length) {
          state.folders = data.folders;
          const select = $('product-folder');
          for (const folder of data.folders) {
            const depth = folder.path.split('/').length - 1;
            select.appendChild(h('option', { value: folder.id }, ['\u00a0\u00a0'.repeat(depth) + folder.name]));
          }
        }
        const list = clear($('product-results'));
        for (const product of data.products) {
          list.appendChild(
            h('li', { onclick: () => addToCart(product) }, [
              h('span', {}, [product.name, h('div', { className: 'sub' }, [`${product.article || ''} · ${product.path}`])]),
              h('span', {}, [money(product.priceKopecks)]),
            ]),
          );
        }
        if (!data.products.length) list.appendChild(h('li', { className: 'muted' }, ['Товары не найдены']));
      })
      .catch((error: unknown) => showError('pay-error', error));
  }

  // ---- cart ----
  function addToCart(product: PosProduct): void {
    const line = state.cart.find((l) => l.productId === product.id);
    if (line) line.quantity += 1;
    else state.cart.push({ productId: product.id, name: product.name, priceKopecks: product.priceKopecks, quantity: 1 });
    state.lastReceipt = null;
    renderAll();
  }
  function changeQuantity(line: CartLine, delta: number): void {
    line.quantity += delta;
    if (line.quantity <= 0) state.cart.splice(state.cart.indexOf(line), 1);
    renderAll();
  }
  function renderCart(): void {
    const body = clear($('cart-body'));
    for (const line of state.cart) {
      body.appendChild(
        h('tr', {}, [
          h('td', {}, [line.name, h('div', { className: 'muted' }, [`${money(line.priceKopecks)} × ${line.quantity}`])]),
          h('td', { className: 'qty' }, [
            h('button', { title: 'Меньше', onclick: () => changeQuantity(line, -1) }, ['−']),
            ' ',
            h('button', { title: 'Больше', onclick: () => changeQuantity(line, 1) }, ['+']),
          ]),
          h('td', { className: 'money' }, [money(line.priceKopecks * line.quantity)]),
        ]),
      );
    }
    $('cart-empty').classList.toggle('hidden', state.cart.length > 0);
    const total = cartTotal(state.cart);
    const limit = maxPoints();
    // Points are offered to a buyer МойСклад knows, under an active program. (A boolean, always: toggle() with
    // undefined flips the class instead of setting it — issue 13.)
    const program = state.program;
    const pointsOn = program !== null && knownBuyer() !== null;
    $('points-box').classList.toggle('hidden', !pointsOn);
    $<HTMLInputElement>('points').max = String(limit);
    $('points-hint').textContent = pointsOn ? `Можно до ${limit} б. (не больше ${program.maxPaidRatePercents}% чека и баланса)` : '';
    const points = Math.min(requestedPoints(), limit);
    $('total').textContent = money(total);
    $('points-money').textContent = `\u2212${money(pointsInKopecks(points, state.program))}`;
    $('to-pay').textContent = money(total - pointsInKopecks(points, state.program));
    $<HTMLButtonElement>('pay').disabled = !state.buyer || !state.cart.length;
  }

  // ---- pay, receipt, returns ----
  function pay(): void {
    const chosen = state.buyer;
    if (!chosen) return;
    const buyer =
      chosen.kind === 'new' ? { name: chosen.name, phone: chosen.phone, discountCardNumber: chosen.discountCardNumber || undefined } : { id: chosen.buyer.id };
    const body = {
      buyer,
      positions: state.cart.map((line) => ({ productId: line.productId, quantity: line.quantity })),
      // The total shown is computed with the clamped value, so pay exactly that (the server re-checks).
      payWithPoints: Math.min(requestedPoints(), maxPoints()),
    };
    $<HTMLButtonElement>('pay').disabled = true;
    api<{ receipt: PosReceipt }>('POST', '/sale', body)
      .then((data) => {
        state.lastReceipt = data.receipt;
        state.cart = [];
        $<HTMLInputElement>('points').value = '';
        state.buyer = null;
        showError('pay-error', null);
        renderAll();
        loadSales();
      })
      .catch((error: unknown) => {
        showError('pay-error', error);
        renderCart();
      });
  }
  const row = (label: string, value: string) => h('div', {}, [h('span', {}, [label]), h('span', {}, [value])]);
  function renderReceipt(): void {
    const box = clear($('receipt'));
    const receipt = state.lastReceipt;
    box.classList.toggle('hidden', receipt === null);
    if (!receipt) return;
    box.appendChild(h('h3', {}, [`Чек № ${receipt.number}`]));
    box.appendChild(h('div', { className: 'muted' }, [`${receipt.moment.slice(0, 16)} МСК · ${receipt.buyer ? receipt.buyer.name : ''}`]));
    for (const line of receipt.lines) box.appendChild(row(`${line.name} × ${line.quantity}`, money(line.priceKopecks * line.quantity)));
    box.appendChild(row('Итого', money(receipt.sumKopecks)));
    box.appendChild(row('Оплачено баллами', `${receipt.pointsSpent} б.`));
    box.appendChild(row('Оплачено деньгами', money(receipt.paidKopecks)));
    box.appendChild(row('Начислено', `${receipt.pointsEarned} б.`));
    box.appendChild(row('Баланс', `${receipt.newBalance} б.`));
  }
  function loadSales(): void {
    api<{ sales: PosSale[] }>('GET', '/sales?limit=10')
      .then((data) => {
        const list = clear($('sales'));
        for (const sale of data.sales) {
          const button = h('button', { onclick: () => returnSale(sale, button as HTMLButtonElement) }, [sale.returned ? 'Возвращён' : 'Возврат']) as HTMLButtonElement;
          if (sale.returned) button.disabled = true;
          list.appendChild(
            h('li', { className: sale.returned ? 'returned' : '' }, [
              h('span', {}, [`№ ${sale.number} · ${money(sale.sumKopecks)}`, h('div', { className: 'sub' }, [`${sale.moment.slice(0, 16)} · ${sale.buyer ? sale.buyer.name : '—'}`])]),
              button,
            ]),
          );
        }
        if (!data.sales.length) list.appendChild(h('li', { className: 'muted' }, ['Продаж пока нет']));
      })
      .catch((error: unknown) => showError('sales-error', error));
  }
  function returnSale(sale: PosSale, button: HTMLButtonElement): void {
    if (!env.confirm(`Оформить возврат по чеку № ${sale.number}?`)) return;
    button.disabled = true;
    api('POST', '/returns', { saleId: sale.id })
      .then(() => {
        showError('sales-error', null);
        loadSales();
        return refreshBuyer();
      })
      .catch((error: unknown) => {
        button.disabled = false;
        showError('sales-error', error);
      });
  }

  function renderAll(): void {
    renderBuyer();
    renderCart();
    renderReceipt();
  }

  $('buyer-query').addEventListener('input', () => debounce('buyers', searchBuyers));
  $('product-query').addEventListener('input', () => debounce('products', loadProducts));
  $('product-folder').addEventListener('change', loadProducts);
  $('points').addEventListener('input', renderCart);
  $('pay').addEventListener('click', pay);
  $('new-buyer').addEventListener('submit', (event) => {
    event.preventDefault();
    const name = $<HTMLInputElement>('new-name').value.trim();
    const phone = $<HTMLInputElement>('new-phone').value.trim();
    if (name.length < 2 || phone.replace(/\D/g, '').length !== 11) {
      showError('buyer-error', new Error('Укажите имя и телефон в формате +7XXXXXXXXXX'));
      return;
    }
    chooseBuyer({ kind: 'new', name, phone, discountCardNumber: $<HTMLInputElement>('new-card').value.trim() });
    $<HTMLFormElement>('new-buyer').reset();
    showError('buyer-error', null);
  });

  api<{ program: PosProgram | null }>('GET', '/program')
    .then((data) => {
      state.program = data.program;
      $('program').textContent = data.program
        ? `${data.program.name}: 1 б. за ${data.program.earnRateRoublesToPoint} \u20bd, до ${data.program.maxPaidRatePercents}% чека баллами`
        : 'Бонусная программа не активна';
      renderAll();
    })
    .catch((error: unknown) => showError('pay-error', error));
  loadProducts();
  loadSales();
  renderAll();
}
