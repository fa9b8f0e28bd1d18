import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CARD_POLL_MS } from '../lib/use-live-card.js';
import { fakeProxy } from '../test-support/handlers.js';
import { CUSTOMER_ID, PROXY_URL, purchase } from '../test-support/fixtures.js';
import { renderWithEnv } from '../test-support/render-with-env.js';
import { server } from '../test-support/server.js';
import { CardPanel } from './CardPanel.js';

/** Intl uses (narrow) no-break spaces as group separators; compare with plain spaces. */
const plain = (text: string | null | undefined) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');
const CARD_URL = `${PROXY_URL}/api/widget/customers/${CUSTOMER_ID}/card`;

/** happy-dom has no real tabs: the page's visibility is set by hand, and the event fired as a browser would. */
function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
}

const section = (title: string) => screen.getByRole('region', { name: title });

/**
 * Waits for a condition without DOM changes to wake it (a 304 changes nothing on screen). Testing Library's waitFor
 * polls with setInterval, which the live-card tests fake; this polls with setTimeout.
 */
async function until(check: () => void, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

describe('CardPanel', () => {
  afterEach(() => {
    vi.useRealTimers();
    setVisibility('visible');
  });

  it('shows a loading skeleton, then the bonus card with Russian formatting', async () => {
    const { container } = renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    expect(container.querySelector('[aria-busy="true"]')).not.toBeNull();

    expect(await screen.findByText('2000001')).toBeTruthy();
    expect(plain(screen.getByTestId('points').textContent)).toBe('1 250');
    expect(plain(container.textContent)).toContain('12 345,67 ₽');
    expect(screen.getByText('Бонусная карта')).toBeTruthy();
    expect(screen.getByText('Чек № 0001')).toBeTruthy();
    // Shop time (Moscow, labelled) whatever the browser's zone: the same clock as the amoCRM note.
    const bought = container.querySelector('time[datetime="2026-03-02T12:30:00+03:00"]');
    expect(plain(bought?.textContent)).toBe('2 мар. 2026 г., 12:30 МСК');
    expect(plain(container.textContent)).toContain('Камера 2 × 1 — 3 001,00 ₽');
    expect(within(section('Покупки')).getByText('Начислено: 30')).toBeTruthy();
    expect((screen.getByLabelText('Реферальная ссылка') as HTMLInputElement).value).toBe('https://proxy.test/r/abc123');
  });

  it('opens with ONE request, the card, which also answers the connection state', async () => {
    const { self } = renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    await screen.findByText('2000001');
    expect(self.ajaxCalls.map((call) => call.url)).toEqual([CARD_URL]);
    expect(self.ajaxCalls[0]?.headers).not.toHaveProperty('If-None-Match');
  });

  it('lists the buyer’s bonus operations: amount, date, who, the sale, the comment; more on demand', async () => {
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    const operations = within(await screen.findByRole('region', { name: 'Операции с баллами' }));
    const items = operations.getAllByRole('listitem');
    expect(items.map((item) => plain(item.textContent))).toEqual([
      'Начислено: 254 мар. 2026 г., 10:15 МСКБорис Менеджеровза отзыв',
      'Списано: 403 мар. 2026 г., 10:15 МСККасса или МойСклад · Чек № 0002',
    ]);
    fireEvent.click(operations.getByRole('button', { name: 'Показать ещё' }));
    await waitFor(() => expect(operations.getAllByRole('listitem')).toHaveLength(3));
    expect(plain(operations.getAllByRole('listitem')[2]?.textContent)).toContain('Начислено: 10');
    await waitFor(() => expect(operations.queryByRole('button', { name: 'Показать ещё' })).toBeNull());
  });

  it('names an operation by user id when amoCRM gave no name, and marks pending and canceled ones', async () => {
    const card = fakeProxy.cards.get(CUSTOMER_ID)!;
    fakeProxy.cards.set(CUSTOMER_ID, {
      ...card,
      operations: [
        { ...card.operations[0]!, id: 'a', status: 'pending', author: { amoUserId: 5000009, name: null } },
        { ...card.operations[1]!, id: 'b', status: 'canceled' },
      ],
      operationsCursor: null,
    });
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />, { lang: 'en' });
    const operations = within(await screen.findByRole('region', { name: 'Points history' }));
    const [first, second] = operations.getAllByRole('listitem');
    expect(first?.textContent).toContain('amoCRM user 5000009');
    expect(first?.textContent).toContain('processing');
    expect(second?.textContent).toContain('Till or MoySklad');
    expect(second?.textContent).toContain('canceled');
  });

  it('stays current while open: a conditional poll every 30 s, 304 keeps the card, a change shows', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    await screen.findByText('2000001');
    const etag = fakeProxy.cardCalls[0] && (await fetch(CARD_URL, { headers: { 'X-Auth-Token': 't' } })).headers.get('etag');

    vi.advanceTimersByTime(CARD_POLL_MS);
    await until(() => expect(fakeProxy.cardCalls).toHaveLength(3));
    expect(fakeProxy.cardCalls[2]).toEqual({ ifNoneMatch: etag, status: 304 });
    expect(plain(screen.getByTestId('points').textContent)).toBe('1 250');

    // A sale at the till: the read model changes, the next poll brings the new card.
    const card = fakeProxy.cards.get(CUSTOMER_ID)!;
    fakeProxy.cards.set(CUSTOMER_ID, { ...card, points: 1_300, purchaseCount: 8, purchases: [purchase(4), ...card.purchases] });
    vi.advanceTimersByTime(CARD_POLL_MS);
    await until(() => expect(plain(screen.getByTestId('points').textContent)).toBe('1 300'));
    expect(screen.getByText('Чек № 0004')).toBeTruthy();
    expect(fakeProxy.cardCalls.at(-1)).toEqual({ ifNoneMatch: etag, status: 200 });
  });

  it('does not poll a hidden page, and asks at once when the page becomes visible again', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    await screen.findByText('2000001');
    setVisibility('hidden');
    vi.advanceTimersByTime(CARD_POLL_MS * 3);
    expect(fakeProxy.cardCalls).toHaveLength(1);

    const card = fakeProxy.cards.get(CUSTOMER_ID)!;
    fakeProxy.cards.set(CUSTOMER_ID, { ...card, points: 990 });
    setVisibility('visible');
    await until(() => expect(plain(screen.getByTestId('points').textContent)).toBe('990'));
    expect(fakeProxy.cardCalls).toHaveLength(2);
  });

  it('keeps the card on screen when a background refresh fails, and recovers on the next', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    await screen.findByText('2000001');
    server.use(http.get(CARD_URL, () => HttpResponse.error(), { once: true }));
    vi.advanceTimersByTime(CARD_POLL_MS);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText('2000001')).toBeTruthy();
    fakeProxy.cards.set(CUSTOMER_ID, { ...fakeProxy.cards.get(CUSTOMER_ID)!, points: 7 });
    vi.advanceTimersByTime(CARD_POLL_MS);
    await until(() => expect(screen.getByTestId('points').textContent).toBe('7'));
  });

  it('formats for the English locale and uses English strings', async () => {
    const { container } = renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />, { lang: 'en' });
    expect(await screen.findByText('Bonus card')).toBeTruthy();
    expect(plain(screen.getByTestId('points').textContent)).toBe('1,250');
    expect(plain(container.textContent)).toContain('RUB 12,345.67');
    // Only data from МойСклад (names of goods, the programme, people, comments) may stay in Russian.
    expect(container.textContent).not.toMatch(/Бонусная|Покупки|Баллы|Реферальная|Операции|Касса/);
  });

  it('loads more purchases by cursor and marks returns', async () => {
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    await screen.findByText('2000001');
    fireEvent.click(within(section('Покупки')).getByRole('button', { name: 'Показать ещё' }));
    expect(await screen.findByText('Чек № 0003')).toBeTruthy();
    // The page just loaded takes the focus: the "more" button the user was on is gone.
    await waitFor(() => expect(document.activeElement?.textContent).toContain('Чек № 0003'));
    expect(screen.getByText('Возврат')).toBeTruthy();
    expect(screen.getByText('Списано: 5')).toBeTruthy();
    // The last page has no cursor: the button goes away.
    await waitFor(() => expect(within(section('Покупки')).queryByRole('button', { name: 'Показать ещё' })).toBeNull());
  });

  it('says so when the account is not connected, with a way to the settings', async () => {
    fakeProxy.status = { ...fakeProxy.status, connected: false, moysklad: { state: 'not_connected' } };
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    expect(await screen.findByText('Интеграция с МойСклад не подключена.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Настройки → Интеграции → МойСклад' }).getAttribute('href')).toBe('/settings/widgets/');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('asks to reconnect when МойСклад access has expired', async () => {
    fakeProxy.status = { ...fakeProxy.status, connected: false, moysklad: { state: 'needs_reauth' } };
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />, { lang: 'en' });
    expect(await screen.findByText('MoySklad access has expired: connect it again.')).toBeTruthy();
    expect(fakeProxy.bonusCalls).toHaveLength(0);
  });

  it('switches to "connect again" when access expires while the card is open', async () => {
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    await screen.findByText('2000001');
    fakeProxy.status = { ...fakeProxy.status, connected: false, moysklad: { state: 'needs_reauth' } };
    setVisibility('visible');
    expect(await screen.findByText('Доступ к МойСклад истёк: подключите его заново.')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('tells the user when the buyer is not from МойСклад', async () => {
    fakeProxy.cards.clear();
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    expect(await screen.findByText(/Этот покупатель не из МойСклад/)).toBeTruthy();
    expect(screen.queryByText('Бонусная карта')).toBeNull();
  });

  it('shows the cause and our support contact on failure, and retries', async () => {
    server.use(http.get(CARD_URL, () => HttpResponse.error(), { once: true }));
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Нет связи с сервером интеграции');
    expect(alert.querySelector('a[href="mailto:support@moysklad-amo.example.com"]')).not.toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByText('2000001')).toBeTruthy();
  });
});
