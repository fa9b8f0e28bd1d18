import { describe, expect, it } from 'vitest';
import { pickLanguage, problemMessages } from './problem-messages.js';

describe('problem messages', () => {
  it.each([
    [undefined, 'ru'],
    ['en', 'en'],
    ['en-US,en;q=0.9,ru;q=0.8', 'en'],
    ['ru-RU,ru;q=0.9,en;q=0.8', 'ru'],
    ['de-DE,en;q=0.5,ru;q=0.9', 'ru'],
    ['fr', 'ru'],
    ['en;q=0.1,ru;q=0', 'en'],
  ])('Accept-Language %s → %s', (header, lang) => {
    expect(pickLanguage(header)).toBe(lang);
  });

  it('every code has a Russian and an English text; English says «MoySklad», as the rest of the English UI does', () => {
    for (const [code, texts] of Object.entries(problemMessages)) {
      expect(texts.ru.length, code).toBeGreaterThan(5);
      expect(texts.en, code).not.toMatch(/[а-яё]/i);
    }
    expect(problemMessages.moysklad_auth_failed.en).toBe('Wrong MoySklad login or password.');
  });
});
