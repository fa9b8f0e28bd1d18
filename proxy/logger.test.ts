import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { createLogger } from './logger.js';

it('censors secret-bearing fields at any depth and in any case, keeping the rest', () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  const log = createLogger({ destination });
  log.info(
    {
      password: 'pw-top',
      token: 'tok-top',
      account: { id: 7, amo_access_token_enc: 'v1:blob-a', moysklad_token_enc: 'v1:blob-m', webhook_secret_enc: 'v1:blob-w' },
      oauth: { response: { access_token: 'at-deep', refresh_token: 'rt-deep' }, request: { client_secret: 'cs-deep' } },
      err: { config: { headers: { Authorization: 'Bearer ax-deep', AUTHORIZATION: 'Bearer ax-upper' } } },
      Webhook_Secret_Enc: 'v1:blob-upper',
      moysklad: { login: 'admin@shop' },
    },
    'saved',
  );
  const output = lines.join('');
  for (const secret of ['pw-top', 'tok-top', 'v1:blob', 'at-deep', 'rt-deep', 'cs-deep', 'ax-deep', 'ax-upper']) expect(output).not.toContain(secret);
  expect(JSON.parse(output)).toMatchObject({ account: { id: 7 }, moysklad: { login: 'admin@shop' }, msg: 'saved' });
});

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { lines, log: createLogger({ destination }) };
}

it('censors deeper than three levels, inside arrays, whatever the case of the key and the type of the value', () => {
  const { lines, log } = capture();
  log.info({
    a: { b: { c: { d: { e: { token: 'tok-5-deep' } } } } },
    list: [{ headers: { AUTHORIZATION: 'Bearer in-array' } }],
    secret: { nested: 'obj-value', list: ['x', { y: 1 }] },
    password: 12345,
    cookie: ['c1=in-cookie-array'],
    kept: 'visible',
  });
  const output = lines.join('');
  for (const secret of ['tok-5-deep', 'in-array', 'obj-value', '12345', 'in-cookie-array']) expect(output).not.toContain(secret);
  const parsed = JSON.parse(output);
  expect(parsed).toMatchObject({ a: { b: { c: { d: { e: { token: '[redacted]' } } } } }, secret: '[redacted]', password: '[redacted]', kept: 'visible' });
});

it('censors child bindings and serializer output, and leaves look-alike text inside values alone', () => {
  const { lines, log } = capture();
  const error = Object.assign(new Error('request failed'), { config: { headers: { Authorization: 'Bearer from-axios' } } });
  log.child({ component: 'amocrm', access_token: 'bound-token' }).error({ err: error, note: 'said "token": "not-a-key"' }, 'failed');
  const output = lines.join('');
  expect(output).not.toContain('bound-token');
  expect(output).not.toContain('from-axios');
  const parsed = JSON.parse(output);
  expect(parsed).toMatchObject({ component: 'amocrm', access_token: '[redacted]', note: 'said "token": "not-a-key"', msg: 'failed' });
  expect(parsed.err.config.headers.Authorization).toBe('[redacted]');
});
