import { fireEvent, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithEnv } from '../test-support/render-with-env.js';
import { ReferralLink } from './ReferralLink.js';

const LINK = 'https://proxy.test/r/abc123';

function stubClipboard(writeText: ((text: string) => Promise<void>) | undefined) {
  vi.spyOn(navigator, 'clipboard', 'get').mockReturnValue((writeText ? { writeText } : undefined) as unknown as Clipboard);
}

describe('ReferralLink', () => {
  afterEach(() => vi.restoreAllMocks());

  it('copies the link and says so politely', async () => {
    const writeText = vi.fn(async () => undefined);
    stubClipboard(writeText);
    renderWithEnv(<ReferralLink link={LINK} />);
    expect((screen.getByLabelText('Реферальная ссылка') as HTMLInputElement).readOnly).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'Скопировать' }));
    const said = await screen.findByText('Ссылка скопирована');
    expect(said.getAttribute('aria-live')).toBe('polite');
    expect(writeText).toHaveBeenCalledWith(LINK);
  });

  it('selects the link for Ctrl+C when the host page denies the clipboard', async () => {
    stubClipboard(async () => {
      throw new DOMException('denied', 'NotAllowedError');
    });
    renderWithEnv(<ReferralLink link={LINK} />);
    const input = screen.getByLabelText('Реферальная ссылка') as HTMLInputElement;

    fireEvent.click(screen.getByRole('button', { name: 'Скопировать' }));
    expect(await screen.findByText(/Не удалось скопировать/)).toBeTruthy();
    expect([input.selectionStart, input.selectionEnd]).toEqual([0, LINK.length]);
  });
});
