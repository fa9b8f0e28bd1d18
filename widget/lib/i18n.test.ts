import { describe, expect, it } from 'vitest';
import { createTranslator } from './i18n.js';

describe('createTranslator', () => {
  const langs = { card: { points: 'Баллы', balance: 'Баланс: {points} из {max}' } };

  it('looks up dotted keys and fills placeholders', () => {
    const t = createTranslator(langs);
    expect(t('card.points')).toBe('Баллы');
    expect(t('card.balance', { points: 5, max: 10 })).toBe('Баланс: 5 из 10');
    expect(t('card.balance', { points: 5 })).toBe('Баланс: 5 из {max}');
  });

  it('shows the key for a missing or non-string entry', () => {
    const t = createTranslator(langs);
    expect(t('card.nothing')).toBe('card.nothing');
    expect(t('card')).toBe('card');
  });

  it('falls back to self.i18n(section) when langs lacks the key', () => {
    const t = createTranslator(undefined, (section) => (section === 'bonus' ? { title: 'Bonus' } : undefined));
    expect(t('bonus.title')).toBe('Bonus');
    expect(t('other.title')).toBe('other.title');
  });
});
