import { fireEvent, screen, waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { fakeProxy } from '../test-support/handlers.js';
import { renderWithEnv } from '../test-support/render-with-env.js';
import { AdvancedSettings } from './AdvancedSettings.js';

describe('AdvancedSettings', () => {
  it('saves referral points, reward moment and price type', async () => {
    renderWithEnv(<AdvancedSettings />);
    const forNew = (await screen.findByLabelText('Баллы новому покупателю')) as HTMLInputElement;
    expect(forNew.value).toBe('100');
    fireEvent.input(forNew, { target: { value: '150' } });
    fireEvent.change(screen.getByLabelText('Когда награждать пригласившего'), { target: { value: 'signup' } });
    fireEvent.change(screen.getByLabelText('Тип цены для товаров'), { target: { value: 'pt-wholesale' } });
    fireEvent.click(screen.getByRole('button', { name: 'Сохранить' }));

    expect(await screen.findByText('Сохранено')).toBeTruthy();
    expect(fakeProxy.settings).toMatchObject({
      referralBonusNew: 150,
      referralBonusReferrer: 200,
      referrerRewardAt: 'signup',
      priceTypeId: 'pt-wholesale',
    });
  });

  it('rejects negative, fractional and too large point values without saving', async () => {
    renderWithEnv(<AdvancedSettings />);
    const forReferrer = await screen.findByLabelText('Баллы пригласившему');
    for (const bad of ['-1', '2.5', '100001']) {
      fireEvent.input(forReferrer, { target: { value: bad } });
      fireEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
      await waitFor(() => expect(forReferrer.getAttribute('aria-invalid')).toBe('true'));
    }
    expect(fakeProxy.settings.referralBonusReferrer).toBe(200);
  });

  it('shows sync status and retries a failed job', async () => {
    renderWithEnv(<AdvancedSettings />);
    expect(await screen.findByText('Задачи: в очереди 3, выполняется 1, с ошибкой 1')).toBeTruthy();
    expect(screen.getByText('идёт: 40 из 100')).toBeTruthy();
    expect(document.querySelector('time[datetime="2026-03-01T10:00:00+03:00"]')?.textContent?.replace(/[\u00a0\u202f]/g, ' ')).toBe('1 мар. 2026 г., 10:00 МСК');
    expect(screen.getByText('amoCRM answered 502')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Повторить: push_purchase' }));
    expect(await screen.findByText('Задача снова в очереди')).toBeTruthy();
    expect(fakeProxy.retriedJobs).toEqual(['job-1']);
    await waitFor(() => expect(screen.getByText('Ошибок нет')).toBeTruthy());
  });

  it('lets an admin reconnect after access expired', async () => {
    fakeProxy.status = { ...fakeProxy.status, connected: false, moysklad: { state: 'needs_reauth', login: 'admin@shop' } };
    renderWithEnv(<AdvancedSettings />);
    expect(await screen.findByText('Доступ истёк, подключите заново')).toBeTruthy();
    expect(screen.queryByText('Реферальная программа')).toBeNull();
    fireEvent.input(screen.getByLabelText('Пароль'), { target: { value: 'right-password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Подключить' }));
    expect(await screen.findByText('Подключено: admin@shop')).toBeTruthy();
    expect(await screen.findByText('Реферальная программа')).toBeTruthy();
  });

  it('is read-only for a user who is not an admin', async () => {
    fakeProxy.status = { ...fakeProxy.status, isAdmin: false };
    renderWithEnv(<AdvancedSettings />, { lang: 'en' });
    expect(await screen.findByText('Only an account administrator can change these settings.')).toBeTruthy();
    expect((screen.getByLabelText('Points for the new customer') as HTMLInputElement).disabled).toBe(true);
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Retry/ })).toBeNull();
  });
});
