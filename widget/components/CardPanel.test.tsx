import { fireEvent, screen, waitFor } from '@testing-library/preact';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { fakeProxy } from '../test-support/handlers.js';
import { CUSTOMER_ID, PROXY_URL } from '../test-support/fixtures.js';
import { renderWithEnv } from '../test-support/render-with-env.js';
import { server } from '../test-support/server.js';
import { CardPanel } from './CardPanel.js';

/** Intl uses (narrow) no-break spaces as group separators; compare with plain spaces. */
const plain = (text: string | null | undefined) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');

describe('CardPanel', () => {
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
    expect(screen.getByText('Начислено: 30')).toBeTruthy();
    expect((screen.getByLabelText('Реферальная ссылка') as HTMLInputElement).value).toBe('https://proxy.test/r/abc123');
  });

  it('formats for the English locale and uses English strings', async () => {
    const { container } = renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />, { lang: 'en' });
    expect(await screen.findByText('Bonus card')).toBeTruthy();
    expect(plain(screen.getByTestId('points').textContent)).toBe('1,250');
    expect(plain(container.textContent)).toContain('RUB 12,345.67');
    // Only data from МойСклад (names of goods, the programme) may stay in Russian.
    expect(container.textContent).not.toMatch(/Бонусная|Покупки|Баллы|Реферальная/);
  });

  it('loads more purchases by cursor and marks returns', async () => {
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Показать ещё' }));
    expect(await screen.findByText('Чек № 0003')).toBeTruthy();
    // The page just loaded takes the focus: the "more" button the user was on is gone.
    await waitFor(() => expect(document.activeElement?.textContent).toContain('Чек № 0003'));
    expect(screen.getByText('Возврат')).toBeTruthy();
    expect(screen.getByText('Списано: 5')).toBeTruthy();
    // The last page has no cursor: the button goes away.
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Показать ещё' })).toBeNull());
  });

  it('says so when the account is not connected, with a way to the settings', async () => {
    fakeProxy.status = { ...fakeProxy.status, connected: false, moysklad: { state: 'not_connected' } };
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    expect(await screen.findByText('Интеграция с МойСклад не подключена.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Настройки → Интеграции → МойСклад' }).getAttribute('href')).toBe('/settings/widgets/');
  });

  it('asks to reconnect when МойСклад access has expired', async () => {
    fakeProxy.status = { ...fakeProxy.status, connected: false, moysklad: { state: 'needs_reauth' } };
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />, { lang: 'en' });
    expect(await screen.findByText('MoySklad access has expired: connect it again.')).toBeTruthy();
    expect(fakeProxy.bonusCalls).toHaveLength(0);
  });

  it('asks to reconnect when access expires between the status and the card request', async () => {
    server.use(
      http.get(`${PROXY_URL}/api/widget/customers/${CUSTOMER_ID}/card`, () =>
        HttpResponse.json({ type: 'about:blank', title: 'Conflict', status: 409, code: 'moysklad_needs_reauth', detail: 'Доступ истёк' }, { status: 409 }),
      ),
    );
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
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
    server.use(http.get(`${PROXY_URL}/api/widget/status`, () => HttpResponse.error(), { once: true }));
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Нет связи с сервером интеграции');
    expect(alert.querySelector('a[href="mailto:support@moysklad-amo.example.com"]')).not.toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByText('2000001')).toBeTruthy();
  });
});
