import { randomInt } from 'node:crypto';
import type { PhoneConfirmationPort } from '../services/phone-confirmation.js';

/**
 * Test support (not a test): a phone confirmation "sender" that keeps codes in memory instead of sending an SMS, so
 * tests can read the code a person would have received. Codes live 10 minutes and allow 5 wrong tries.
 */
export class InMemoryPhoneConfirmation implements PhoneConfirmationPort {
  readonly configured = true;
  private readonly codes = new Map<string, { code: string; expiresAt: number; triesLeft: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async send(accountId: number, phone: string): Promise<void> {
    this.codes.set(`${accountId}:${phone}`, { code: String(randomInt(0, 1_000_000)).padStart(6, '0'), expiresAt: this.now() + 10 * 60_000, triesLeft: 5 });
  }

  async verify(accountId: number, phone: string, code: string): Promise<boolean> {
    const key = `${accountId}:${phone}`;
    const entry = this.codes.get(key);
    if (!entry || entry.expiresAt <= this.now() || entry.triesLeft <= 0) return false;
    if (entry.code !== code) {
      entry.triesLeft -= 1;
      return false;
    }
    this.codes.delete(key);
    return true;
  }

  /** The code a person with this phone would have received (tests only). */
  sentTo(accountId: number, phone: string): string | undefined {
    return this.codes.get(`${accountId}:${phone}`)?.code;
  }
}
