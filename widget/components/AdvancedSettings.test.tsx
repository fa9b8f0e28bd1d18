import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
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
    expect(await screen.findByText('Задачи: в очереди 3, выполняется 1, с ошибкой 2')).toBeTruthy();
    expect(screen.getByText('идёт: 40 из 100')).toBeTruthy();
    // Repricing after a price-type change: its progress, and the products left without a price of that type.
    expect(screen.getByText('Пересчёт цен товаров').nextElementSibling?.textContent).toBe('завершён: 120 из 120Без цены выбранного типа — 2 (в amoCRM цена не заполнена): «Штатив», «Бленда»');
    expect(document.querySelector('time[datetime="2026-03-01T10:00:00+03:00"]')?.textContent?.replace(/[\u00a0\u202f]/g, ' ')).toBe('1 мар. 2026 г., 10:00 МСК');
    // A job without a known problem: what kind of work it was, the generic advice, the raw text for support.
    const reconcile = screen.getByText('Сверка с МойСклад').closest('li')!;
    expect(reconcile.textContent).toContain('Похоже на временный сбой');
    expect(within(reconcile).getByText('amoCRM answered 502')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Повторить: Сверка с МойСклад' }));
    expect(await screen.findByText('Задача снова в очереди')).toBeTruthy();
    expect(fakeProxy.retriedJobs).toEqual(['job-1']);
    await waitFor(() => expect(screen.queryByText('Сверка с МойСклад')).toBeNull());
  });

  it('says what failed, why and what to do, in the user’s language, and skips what a retry cannot fix', async () => {
    renderWithEnv(<AdvancedSettings />);
    const job = (await screen.findByText('Покупатель «Пётр Сидоров»')).closest('li')!;
    expect(job.textContent).toContain('amoCRM не принял поле custom_fields_values.0.values.0.value: «This value is not a valid email address.»');
    expect(job.textContent).toContain('Исправьте эти данные в МойСклад');
    // The retry-only advice has no skip; this one has both.
    expect(screen.queryByRole('button', { name: 'Пропустить: Сверка с МойСклад' })).toBeTruthy(); // no known problem: both offered
    fireEvent.click(within(job).getByRole('button', { name: 'Пропустить: Покупатель «Пётр Сидоров»' }));
    expect(await screen.findByText('Задача пропущена')).toBeTruthy();
    expect(fakeProxy.skippedJobs).toEqual(['job-2']);
    await waitFor(() => expect(screen.queryByText('Покупатель «Пётр Сидоров»')).toBeNull());
  });

  it('offers only a retry where acting first makes a retry succeed', async () => {
    fakeProxy.sync = {
      ...fakeProxy.sync,
      failedJobs: [{ id: 'job-9', kind: 'sync.connect', error: 'account 1: amocrm not installed', problem: { entity: null, field: null, message: null, hint: 'reinstall_widget' }, failedAt: '2026-03-01T09:00:00+03:00' }],
    };
    renderWithEnv(<AdvancedSettings />, { lang: 'en' });
    const job = (await screen.findByText('Connecting to amoCRM')).closest('li')!;
    expect(job.textContent).toContain('reinstall the widget in amoCRM, then press Retry');
    expect(within(job).getByRole('button', { name: 'Retry: Connecting to amoCRM' })).toBeTruthy();
    expect(within(job).queryByRole('button', { name: /Skip/ })).toBeNull();
    expect(job.textContent).not.toMatch(/[а-яё]/i);
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
