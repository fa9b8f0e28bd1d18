import { describe, expect, it } from 'vitest';
import { AmoUserNames, type AmoUsersReader } from './amo-user-names.js';

/** An amoCRM stand-in per account that counts lookups and can be told to fail or to hang. */
function fakeAmo(names: Record<number, Record<number, string>>) {
  const calls: string[] = [];
  let mode: 'ok' | 'fail' | 'hang' = 'ok';
  let release: () => void = () => undefined;
  const client = async (accountId: number): Promise<AmoUsersReader> => {
    if (!names[accountId]) throw new Error(`account ${accountId}: amocrm not installed`);
    return {
      users: {
        async get(id) {
          calls.push(`${accountId}:${id}`);
          if (mode === 'fail') throw new Error('amoCRM answered 502');
          if (mode === 'hang') await new Promise<void>((resolve) => (release = resolve));
          const name = names[accountId]?.[id];
          return name === undefined ? null : { name };
        },
      },
    };
  };
  return { client, calls, setMode: (next: typeof mode) => void (mode = next), release: () => release() };
}

describe('amoCRM user names', () => {
  it('asks amoCRM once per user and account, shares concurrent lookups and keeps accounts apart', async () => {
    const amo = fakeAmo({ 1: { 10: 'Анна Админова', 11: '  Борис  ' }, 2: { 10: 'Другая Анна' } });
    const names = new AmoUserNames({ client: amo.client });
    expect(await Promise.all([names.nameOf(1, 10), names.nameOf(1, 10), names.nameOf(1, 10)])).toEqual(['Анна Админова', 'Анна Админова', 'Анна Админова']);
    expect(await names.nameOf(1, 11)).toBe('Борис');
    expect(await names.nameOf(2, 10)).toBe('Другая Анна');
    expect(await names.nameOf(1, 10)).toBe('Анна Админова');
    expect(amo.calls).toEqual(['1:10', '1:11', '2:10']);
    // An unknown user and an account without amoCRM are "no name", never an error.
    expect(await names.nameOf(1, 99)).toBeNull();
    expect(await names.nameOf(3, 10)).toBeNull();
  });

  it('trusts a name for an hour and a failure for a minute', async () => {
    let clock = 0;
    const amo = fakeAmo({ 1: { 10: 'Анна' } });
    const names = new AmoUserNames({ client: amo.client, now: () => clock });
    amo.setMode('fail');
    expect(await names.nameOf(1, 10)).toBeNull();
    clock += 59_000;
    expect(await names.nameOf(1, 10)).toBeNull();
    expect(amo.calls).toHaveLength(1); // amoCRM is not asked again while it is known to fail
    amo.setMode('ok');
    clock += 2_000;
    expect(await names.nameOf(1, 10)).toBe('Анна');
    clock += 59 * 60_000;
    expect(await names.nameOf(1, 10)).toBe('Анна');
    expect(amo.calls).toHaveLength(2);
    clock += 2 * 60_000;
    await names.nameOf(1, 10);
    expect(amo.calls).toHaveLength(3);
  });

  it('gives up waiting after the timeout; the late answer still fills the cache', async () => {
    const amo = fakeAmo({ 1: { 10: 'Анна' } });
    const names = new AmoUserNames({ client: amo.client, timeoutMs: 20 });
    amo.setMode('hang');
    expect(await names.nameOf(1, 10)).toBeNull();
    amo.release();
    await expect.poll(() => names.nameOf(1, 10)).toBe('Анна');
    expect(amo.calls).toHaveLength(1);
  });
});
