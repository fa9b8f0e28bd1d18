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
