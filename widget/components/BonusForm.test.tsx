import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { http, HttpResponse, delay } from 'msw';
import { describe, expect, it } from 'vitest';
import { fakeProxy } from '../test-support/handlers.js';
import { CUSTOMER_ID, PROXY_URL } from '../test-support/fixtures.js';
import { renderWithEnv } from '../test-support/render-with-env.js';
import { server } from '../test-support/server.js';
import { CardPanel } from './CardPanel.js';

const BONUS_URL = `${PROXY_URL}/api/widget/customers/${CUSTOMER_ID}/bonus`;
const plain = (text: string | null | undefined) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');

async function fillAndContinue(amount: string, operation: 'Начислить' | 'Списать' = 'Начислить', comment = '') {
  fireEvent.click(await screen.findByLabelText(operation));
  fireEvent.input(screen.getByLabelText('Количество баллов'), { target: { value: amount } });
  if (comment) fireEvent.input(screen.getByLabelText('Комментарий'), { target: { value: comment } });
  fireEvent.click(screen.getByRole('button', { name: 'Продолжить' }));
}

describe('BonusForm', () => {
  it('asks for confirmation, accrues once and shows the new balance', async () => {
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    await fillAndContinue('100', 'Начислить', 'за отзыв');

    expect(screen.getByText('Начислить 100 б. покупателю «Анна Петрова»?')).toBeTruthy();
    expect(fakeProxy.bonusCalls).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Подтвердить' }));

    expect(plain((await screen.findByText(/Новый баланс/)).textContent)).toBe('Готово. Новый баланс: 1 350');
    expect(plain(screen.getByTestId('points').textContent)).toBe('1 350');
    expect(fakeProxy.bonusCalls).toEqual([
      { key: expect.stringMatching(/^[0-9a-f-]{36}$/), body: { operation: 'accrue', amount: 100, comment: 'за отзыв' } },
    ]);
  });

  it('moves the focus to the confirm button and back to the amount (Back or Escape), for keyboard users', async () => {
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    await fillAndContinue('10');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Подтвердить' }));
    fireEvent.click(screen.getByRole('button', { name: 'Назад' }));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Количество баллов')));
    expect((document.activeElement as HTMLInputElement).value).toBe('10');

    // Escape leaves the confirmation too, like Back.
    fireEvent.click(screen.getByRole('button', { name: 'Продолжить' }));
    fireEvent.keyDown(screen.getByRole('button', { name: 'Подтвердить' }), { key: 'Escape' });
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Количество баллов')));
    expect(fakeProxy.bonusCalls).toHaveLength(0);
  });

  it('sends one request however fast the confirm button is clicked', async () => {
    server.use(
      http.post(BONUS_URL, async ({ request }) => {
        fakeProxy.bonusCalls.push({ key: request.headers.get('idempotency-key'), body: (await request.json()) as never });
        await delay(30);
        return HttpResponse.json({ operationId: 'op-1', points: 1300, status: 'completed' });
      }),
    );
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    await fillAndContinue('50');
    const confirm = screen.getByRole('button', { name: 'Подтвердить' });
    // Native clicks in one task: Preact has not re-rendered (disabled) the button in between.
    confirm.click();
    confirm.click();
    fireEvent.click(confirm);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Отправка…' })).toHaveProperty('disabled', true));
    await screen.findByText(/Новый баланс/);
    expect(fakeProxy.bonusCalls).toHaveLength(1);
  });

  it('reuses the Idempotency-Key when retrying the same attempt, and makes a new one for the next', async () => {
    server.use(
      http.post(BONUS_URL, async ({ request }) => {
        fakeProxy.bonusCalls.push({ key: request.headers.get('idempotency-key'), body: (await request.json()) as never });
        return HttpResponse.json(
          { code: 'moysklad_unreachable', status: 502, detail: 'МойСклад не ответил' },
          { status: 502, headers: { 'Content-Type': 'application/problem+json' } },
        );
      }, { once: true }),
    );
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    await fillAndContinue('10');
    fireEvent.click(screen.getByRole('button', { name: 'Подтвердить' }));

    expect((await screen.findByRole('alert')).textContent).toContain('МойСклад не ответил');
    // The button was disabled while sending; the focus comes back to it, now "retry".
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Повторить' })));
    fireEvent.click(screen.getByRole('button', { name: 'Повторить' }));
    await screen.findByText(/Новый баланс/);

    await fillAndContinue('5');
    fireEvent.click(screen.getByRole('button', { name: 'Подтвердить' }));
    await waitFor(() => expect(fakeProxy.bonusCalls).toHaveLength(3));

    const [failed, retried, next] = fakeProxy.bonusCalls.map((call) => call.key);
    expect(retried).toBe(failed);
    expect(next).not.toBe(failed);
  });

  it('refuses to redeem more than the balance before sending anything', async () => {
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    await fillAndContinue('5000', 'Списать');
    expect(plain(screen.getByRole('alert').textContent)).toBe('Недостаточно баллов: на счёте 1 250');
    expect(screen.queryByRole('button', { name: 'Подтвердить' })).toBeNull();
    expect(fakeProxy.bonusCalls).toHaveLength(0);
  });

  it('a redeem refused for the balance (a till sale meanwhile) shows the real balance and updates the card', async () => {
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    await screen.findByText('2000001');
    fakeProxy.liveBalance.set(CUSTOMER_ID, 10); // МойСклад knows better than the card on screen
    await fillAndContinue('100', 'Списать');
    fireEvent.click(screen.getByRole('button', { name: 'Подтвердить' }));

    const reason = await screen.findByRole('alert');
    expect(plain(reason.textContent)).toBe('Недостаточно баллов: на счёте 10');
    expect(plain(screen.getByTestId('points').textContent)).toBe('10');
    // Back at the amount with it kept: no «Повторить», no support address for an expected refusal.
    expect((screen.getByLabelText('Количество баллов') as HTMLInputElement).value).toBe('100');
    expect(screen.queryByRole('button', { name: 'Повторить' })).toBeNull();
    expect(document.body.textContent).not.toContain('support@moysklad-amo.example.com');
    // The card was asked again, so everything else on it is current too.
    await waitFor(() => expect(fakeProxy.cardCalls.length).toBeGreaterThanOrEqual(2));
    expect(fakeProxy.bonusCalls).toHaveLength(1);
  });

  it('accepts «1 000» with a space as thousands separator', async () => {
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    await fillAndContinue('1 000');
    expect(plain(screen.getByText(/Начислить .* покупателю/).textContent)).toBe('Начислить 1 000 б. покупателю «Анна Петрова»?');
    fireEvent.click(screen.getByRole('button', { name: 'Подтвердить' }));
    await screen.findByText(/Новый баланс/);
    expect(fakeProxy.bonusCalls[0]?.body).toEqual({ operation: 'accrue', amount: 1000 });
  });

  it('refreshes the card after the operation: the history shows it with its author at once', async () => {
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    await fillAndContinue('7', 'Начислить', 'подарок');
    fireEvent.click(screen.getByRole('button', { name: 'Подтвердить' }));
    await screen.findByText(/Новый баланс/);
    const operations = within(screen.getByRole('region', { name: 'Операции с баллами' }));
    await waitFor(() => expect(operations.getAllByRole('listitem')).toHaveLength(3));
    expect(plain(operations.getAllByRole('listitem')[0]?.textContent)).toContain('Начислено: 7');
    expect(operations.getAllByRole('listitem')[0]?.textContent).toContain('Анна Админова');
    expect(operations.getAllByRole('listitem')[0]?.textContent).toContain('подарок');
    // The success message survives the refresh: the form was not rebuilt.
    expect(plain(screen.getByText(/Новый баланс/).textContent)).toBe('Готово. Новый баланс: 1 257');
  });

  it('rejects amounts outside the bounds', async () => {
    renderWithEnv(<CardPanel amoCustomerId={CUSTOMER_ID} />);
    await fillAndContinue('2.5');
    expect(plain(screen.getByRole('alert').textContent)).toBe('Введите целое число от 1 до 10000');
    fireEvent.input(screen.getByLabelText('Количество баллов'), { target: { value: '10001' } });
    fireEvent.click(screen.getByRole('button', { name: 'Продолжить' }));
    expect(screen.getByRole('alert').textContent).toContain('от 1 до 10000');
    expect(fakeProxy.bonusCalls).toHaveLength(0);
  });
});
