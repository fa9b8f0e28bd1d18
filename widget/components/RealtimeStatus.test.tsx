import { screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { fakeProxy } from '../test-support/handlers.js';
import { renderWithEnv } from '../test-support/render-with-env.js';
import { AdvancedSettings } from './AdvancedSettings.js';

const plain = (text: string | null | undefined) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');
const fact = (label: string) => plain(screen.getByText(label).nextElementSibling?.textContent);

describe('the settings page says how changes arrive, as verified', () => {
  it('webhooks present: how many, when they were checked, when an event last arrived', async () => {
    renderWithEnv(<AdvancedSettings />);
    expect(plain((await screen.findByTestId('realtime-mode')).textContent)).toBe('вебхуки МойСклад: 18 из 18');
    expect(fact('Вебхуки проверены')).toBe('1 мар. 2026 г., 09:45 МСК');
    expect(fact('Последнее событие от МойСклад')).toBe('1 мар. 2026 г., 09:58 МСК');
    expect(screen.queryByText('Опрашиваются вместо вебхуков')).toBeNull();
  });

  it('polling: why, which types and how often; restored webhooks are counted', async () => {
    fakeProxy.sync = {
      ...fakeProxy.sync,
      mode: 'polling',
      realtime: {
        checkedAt: '2026-03-01T09:45:00+03:00',
        lastEventAt: null,
        webhooks: { present: 15, expected: 18, restored: 2 },
        polled: [
          { entityType: 'retaildemand', reason: 'limit', everySeconds: 1 },
          { entityType: 'counterparty', reason: 'limit', everySeconds: 10 },
          { entityType: 'product', reason: 'failing', everySeconds: 10 },
        ],
      },
    };
    renderWithEnv(<AdvancedSettings />);
    expect(plain((await screen.findByTestId('realtime-mode')).textContent)).toBe('опрос МойСклад; вебхуки МойСклад: 15 из 18');
    expect(fact('Вебхуки проверены')).toBe('1 мар. 2026 г., 09:45 МСК — восстановлено при проверке: 2');
    expect(fact('Последнее событие от МойСклад')).toBe('ещё не было');
    const polled = within(screen.getByTestId('realtime-polled'));
    expect(polled.getByText('Опрашиваются вместо вебхуков')).toBeTruthy();
    const reasons = polled.getAllByText(/код 30007|не доходят/).map((node) => plain(node.textContent));
    expect(reasons).toEqual([
      'В МойСклад на эти типы уже заняты все 5 мест для вебхуков — их используют другие приложения (код 30007). продажи — раз в 1 с, покупатели — раз в 10 с',
      'Вебхуки есть, но изменения из МойСклад до интеграции не доходят. товары — раз в 10 с',
    ]);
  });

  it('free tariff, in English: every type polled and the reason, nothing in Russian', async () => {
    const types = ['bonustransaction', 'counterparty', 'product', 'productfolder', 'retaildemand', 'retailsalesreturn'];
    fakeProxy.sync = {
      ...fakeProxy.sync,
      mode: 'polling',
      realtime: { checkedAt: '2026-03-01T09:45:00+03:00', lastEventAt: null, webhooks: { present: 0, expected: 18, restored: 0 }, polled: types.map((entityType) => ({ entityType, reason: 'tariff' as const, everySeconds: entityType === 'retaildemand' ? 1 : 10 })) },
    };
    renderWithEnv(<AdvancedSettings />, { lang: 'en' });
    expect(plain((await screen.findByTestId('realtime-mode')).textContent)).toBe('MoySklad polling');
    const polled = plain(screen.getByTestId('realtime-polled').textContent);
    expect(polled).toContain('The MoySklad tariff does not allow webhooks (code 30006).');
    expect(polled).toContain('sales every 1 s');
    expect(polled).toContain('product folders every 10 s');
    expect(polled).not.toMatch(/[а-яё]/i);
  });

  it('before the first check it does not claim webhooks', async () => {
    fakeProxy.sync = { ...fakeProxy.sync, realtime: { checkedAt: null, lastEventAt: null, webhooks: { present: 0, expected: 0, restored: 0 }, polled: [] } };
    renderWithEnv(<AdvancedSettings />);
    expect(plain((await screen.findByTestId('realtime-mode')).textContent)).toBe('вебхуки МойСклад ещё не проверялись');
    expect(fact('Вебхуки проверены')).toBe('ещё не было');
  });
});
