import { expect, it } from 'vitest';
import { MoySkladUserLimiters } from './user-limiters.js';

it('hands every caller acting with one token the same limiter, and another token its own', () => {
  const limiters = new MoySkladUserLimiters();
  expect(limiters.forToken('token-a')).toBe(limiters.forToken('token-a'));
  expect(limiters.forToken('token-a')).not.toBe(limiters.forToken('token-b'));
});
