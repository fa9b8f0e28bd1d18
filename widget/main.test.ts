import { screen, waitFor } from '@testing-library/preact';
import $ from 'jquery';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Widget from './main.js';
import type { JQueryLike } from './sdk/types.js';
import { createFakeSelf, type FakeSelf } from './test-support/fake-self.js';
import { fakeProxy } from './test-support/handlers.js';

const created: FakeSelf[] = [];

function createWidget(options: Parameters<typeof createFakeSelf>[0] = {}): FakeSelf {
  const self = createFakeSelf(options);
  Widget.call(self);
  created.push(self);
  return self;
}

// Like amoCRM leaving the area: no component may outlive its test and fetch after msw closed.
afterEach(() => {
  for (const self of created.splice(0)) self.callbacks?.destroy();
});

function openCustomerCard(id: number | string) {
  (globalThis as { APP?: unknown }).APP = { data: { current_card: { id } }, getBaseEntity: () => 'customers', isCard: () => true };
}

function settingsModal(): HTMLElement {
  document.body.insertAdjacentHTML(
    'beforeend',
    `<div class="modal-body"><div class="widget_settings_block">
       <div id="msk_test_custom_content"></div>
       <input type="hidden" name="config" id="msk_test_custom" value="">
     </div></div>`,
  );
  return document.querySelector<HTMLElement>('.modal-body')!;
}

describe('Widget lifecycle', () => {
  it('has the callbacks amoCRM needs; render, init and bind_actions return true', () => {
    const self = createWidget();
    const callbacks = self.callbacks!;
    expect(Object.keys(callbacks).sort()).toEqual(
      ['advancedSettings', 'bind_actions', 'destroy', 'init', 'onSave', 'render', 'settings'].sort(),
    );
    expect(callbacks.render()).toBe(true);
    expect(callbacks.init()).toBe(true);
    expect(callbacks.bind_actions()).toBe(true);
  });

  it('renders the customer card panel once, however often render runs, and links style.css once', async () => {
    openCustomerCard(42);
    const self = createWidget();
    const renderTemplate = vi.spyOn(self, 'render_template');
    self.callbacks!.render();
    self.callbacks!.render();

    expect(renderTemplate).toHaveBeenCalledTimes(1);
    expect(document.querySelectorAll('.msk-widget--card')).toHaveLength(1);
    expect(await screen.findByText('2000001')).toBeTruthy();
    self.callbacks!.render();
    expect(screen.getAllByText('Бонусная карта')).toHaveLength(1);

    const links = document.head.querySelectorAll('link[rel="stylesheet"]');
    expect(links).toHaveLength(1);
    expect(links[0]!.getAttribute('href')).toBe('https://widgets.test/msk/style.css?v=1.0.0');
  });

  it('skips new, unsaved cards', () => {
    openCustomerCard(0);
    const self = createWidget();
    const renderTemplate = vi.spyOn(self, 'render_template');
    expect(self.callbacks!.render()).toBe(true);
    expect(renderTemplate).not.toHaveBeenCalled();
    expect(document.querySelector('.msk-widget--card')).toBeNull();
  });

  it('destroy unmounts the card panel, leaves its container empty and takes our stylesheet away', async () => {
    openCustomerCard(42);
    const self = createWidget();
    self.callbacks!.render();
    await screen.findByText('2000001');
    expect(document.getElementById('msk-widget-style-msk_test')).not.toBeNull();
    self.callbacks!.destroy();
    expect(document.querySelector('.msk-widget--card')!.innerHTML).toBe('');
    expect(document.head.querySelectorAll('link[rel="stylesheet"]')).toHaveLength(0);
    // Back in the area: render links it again.
    self.callbacks!.render();
    expect(document.head.querySelectorAll('link[rel="stylesheet"]')).toHaveLength(1);
  });

  it('destroy keeps the stylesheet while another block of ours is still on the page', async () => {
    openCustomerCard(42);
    const card = createWidget();
    card.callbacks!.render();
    await screen.findByText('2000001');
    const modal = settingsModal();
    const settings = createWidget();
    settings.callbacks!.settings($(modal) as unknown as JQueryLike);
    settings.callbacks!.destroy();
    expect(document.head.querySelectorAll('link[rel="stylesheet"]')).toHaveLength(1);
    card.callbacks!.destroy();
    expect(document.head.querySelectorAll('link[rel="stylesheet"]')).toHaveLength(0);
  });

  it('mounts the advanced settings page into #work-area-<code>, else #list_page_holder', async () => {
    document.body.innerHTML = '<div id="list_page_holder"></div><div id="work-area-msk_test"></div>';
    const self = createWidget({ area: 'advanced_settings' });
    self.callbacks!.advancedSettings();
    expect(await screen.findByText('Реферальная программа')).toBeTruthy();
    expect(document.querySelector('#work-area-msk_test .msk-widget--page')).not.toBeNull();
    self.callbacks!.destroy();
    expect(document.querySelector('.msk-widget--page')).toBeNull();

    document.body.innerHTML = '<div id="list_page_holder"></div>';
    const other = createWidget({ area: 'advanced_settings' });
    other.callbacks!.advancedSettings();
    expect(document.querySelector('#list_page_holder .msk-widget--page')).not.toBeNull();
    other.callbacks!.destroy();
  });
});

describe('Widget settings modal', () => {
  it('fills the hidden config field only with consent, and triggers change', async () => {
    const modal = settingsModal();
    const changes: string[] = [];
    $(modal).find('input[name="config"]').on('change', (event) => changes.push((event.target as HTMLInputElement).value));
    const self = createWidget();
    self.callbacks!.settings($(modal) as unknown as JQueryLike);

    const consent = await screen.findByLabelText(/Я согласен на передачу данных/);
    // What the user agrees to is one click away (moderation: a privacy-policy link before consent).
    const privacy = screen.getByRole('link', { name: 'Политика конфиденциальности' });
    expect(privacy.getAttribute('href')).toBe('https://moysklad-amo.example.com/ru/privacy');
    expect(privacy.getAttribute('target')).toBe('_blank');
    consent.click();
    expect(changes).toEqual(['{"consent":1}']);
    consent.click();
    expect(changes).toEqual(['{"consent":1}', '']);
    await expect(self.callbacks!.onSave({ active: 'Y' })).rejects.toThrow('подтвердите согласие');
  });

  it('blocks the save with a clear message on a wrong password and keeps credentials out of settings', async () => {
    fakeProxy.status = { ...fakeProxy.status, connected: false, moysklad: { state: 'not_connected' } };
    const modal = settingsModal();
    const self = createWidget();
    self.callbacks!.settings($(modal) as unknown as JQueryLike);
    (await screen.findByLabelText(/Я согласен/)).click();
    typeInto(screen.getByLabelText(/Логин МойСклад/), 'admin@shop');
    typeInto(screen.getByLabelText('Пароль'), 'wrong');

    await expect(self.callbacks!.onSave({ active: 'Y' })).rejects.toThrow('МойСклад: неверный логин или пароль');
    // Said once, right under the password it concerns, with the focus there to correct it.
    const alerts = await screen.findAllByRole('alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.textContent).toContain('МойСклад: неверный логин или пароль');
    const passwordInput = screen.getByLabelText('Пароль');
    expect(passwordInput.nextElementSibling?.contains(alerts[0]!)).toBe(true);
    expect(passwordInput.getAttribute('aria-describedby')).toBe('msk-password-error');
    await waitFor(() => expect(document.activeElement).toBe(passwordInput));

    typeInto(screen.getByLabelText('Пароль'), 'right-password');
    await expect(self.callbacks!.onSave({ active: 'Y' })).resolves.toBe(true);
    expect(fakeProxy.connectCalls.map((call) => call.password)).toEqual(['wrong', 'right-password']);
    await waitFor(() => expect(screen.getByText('Подключено: admin@shop')).toBeTruthy());
    await waitFor(() => expect((screen.getByLabelText('Пароль') as HTMLInputElement).value).toBe(''));

    // amoCRM serialises named inputs of the form into the widget settings: ours have no names.
    expect(modal.querySelectorAll('.msk-widget input[name]:not([type="radio"])')).toHaveLength(0);
    expect((modal.querySelector('input[name="config"]') as HTMLInputElement).value).toBe('{"consent":1}');
  });

  it('asks before disconnecting МойСклад and says what stops working', async () => {
    const modal = settingsModal();
    const self = createWidget();
    self.callbacks!.settings($(modal) as unknown as JQueryLike);
    (await screen.findByRole('button', { name: 'Отключить МойСклад' })).click();
    await screen.findByText(/Перестанут обновляться покупатели, товары, покупки и баллы/);
    expect(fakeProxy.status.moysklad.state).toBe('connected'); // nothing happened yet
    screen.getByRole('button', { name: 'Отмена' }).click();
    await waitFor(() => expect(screen.queryByText(/Перестанут обновляться/)).toBeNull());
    expect(fakeProxy.status.moysklad.state).toBe('connected');

    screen.getByRole('button', { name: 'Отключить МойСклад' }).click();
    (await screen.findByRole('button', { name: 'Да, отключить' })).click();
    await waitFor(() => expect(fakeProxy.status.moysklad.state).toBe('not_connected'));
    expect(await screen.findByText('Не подключено')).toBeTruthy();
  });

  it('never blocks disabling the widget', async () => {
    const modal = settingsModal();
    const self = createWidget();
    self.callbacks!.settings($(modal) as unknown as JQueryLike);
    await expect(self.callbacks!.onSave({ active: 'N' })).resolves.toBe(true);
  });

  it('destroy removes the settings form', async () => {
    const modal = settingsModal();
    const self = createWidget();
    self.callbacks!.settings($(modal) as unknown as JQueryLike);
    await screen.findByLabelText(/Я согласен/);
    self.callbacks!.destroy();
    expect(modal.querySelector('.msk-widget')).toBeNull();
  });
});

function typeInto(element: HTMLElement, value: string) {
  const input = element as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}
