import { fireEvent, screen, waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { fakeProxy } from '../test-support/handlers.js';
import { renderWithEnv } from '../test-support/render-with-env.js';
import { AdvancedSettings } from './AdvancedSettings.js';

describe('settings: limits and the invitation page', () => {
  it('an admin sets the caps, the confirmation switch, the shop name and the privacy link, saved with the rest', async () => {
    renderWithEnv(<AdvancedSettings />);
    const perOperation = (await screen.findByLabelText('Максимум баллов за одну операцию')) as HTMLInputElement;
    expect(perOperation.value).toBe('10000');
    fireEvent.input(perOperation, { target: { value: '500' } });
    fireEvent.input(screen.getByLabelText('Максимум баллов на сотрудника в день'), { target: { value: '2000' } });
    fireEvent.input(screen.getByLabelText('Регистраций по одной реферальной ссылке в день'), { target: { value: '3' } });
    fireEvent.click(screen.getByLabelText('Подтверждать телефон кодом из SMS при регистрации по ссылке'));
    fireEvent.input(screen.getByLabelText('Название магазина'), { target: { value: '  Чайная лавка №2 ' } });
    fireEvent.input(screen.getByLabelText('Ссылка на политику конфиденциальности'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Сохранить' }));

    expect(await screen.findByText('Сохранено')).toBeTruthy();
    expect(fakeProxy.settings).toMatchObject({
      bonusMaxPerOperation: 500,
      bonusMaxPerUserPerDay: 2000,
      referralMaxPerReferrerPerDay: 3,
      referralPhoneConfirmation: true,
      shopName: 'Чайная лавка №2',
      privacyPolicyUrl: null,
    });
  });

  it('refuses out-of-range caps and a privacy link that is not an http(s) URL, without saving', async () => {
    renderWithEnv(<AdvancedSettings />, { lang: 'en' });
    const perDay = await screen.findByLabelText('Sign-ups per referral link per day');
    const privacy = screen.getByLabelText('Privacy policy link');
    for (const [input, bad] of [[perDay, '0'], [perDay, '1001'], [perDay, '2.5'], [privacy, 'javascript:alert(1)'], [privacy, 'shop.example/privacy']] as const) {
      fireEvent.input(input, { target: { value: bad } });
      fireEvent.click(screen.getByRole('button', { name: 'Save' }));
      await waitFor(() => expect(input.getAttribute('aria-invalid'), bad).toBe('true'));
      fireEvent.input(input, { target: { value: input === perDay ? '5' : 'https://shop.example/privacy' } });
    }
    expect(screen.getByText(/A whole number from 1 to 1000\./)).toBeTruthy();
    expect(fakeProxy.settings.referralMaxPerReferrerPerDay).toBe(5);
    expect(fakeProxy.settings.privacyPolicyUrl).toBe('https://shop.example/privacy');
  });

  it('is read-only for a user who is not an admin', async () => {
    fakeProxy.status = { ...fakeProxy.status, isAdmin: false };
    renderWithEnv(<AdvancedSettings />);
    expect(((await screen.findByLabelText('Название магазина')) as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByLabelText('Подтверждать телефон кодом из SMS при регистрации по ссылке') as HTMLInputElement).disabled).toBe(true);
  });
});
