import { describe, expect, it } from 'vitest';
import { SERVICE_ERROR_CODES, ServiceError } from '../../services/service-error.js';
import { pickLanguage, problemMessages, problemStatus } from './problem-messages.js';

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

  it('every code has one status; a service refusal kept as an idempotent answer is never a server failure', () => {
    for (const code of Object.keys(problemMessages) as (keyof typeof problemMessages)[]) {
      expect(problemStatus[code], code).toBeGreaterThanOrEqual(400);
      expect(problemStatus[code], code).toBeLessThan(600);
    }
    for (const code of SERVICE_ERROR_CODES) {
      // A definite refusal is stored and replayed for a day: it must be the client's 4xx, never a 5xx that a retry
      // could cure. (A transient code may be either: `idempotency_in_progress` is a 409 to retry later.)
      if (!new ServiceError(code).transient) expect(problemStatus[code], code).toBeLessThan(500);
    }
  });
});
