import { describe, expect, it } from 'vitest';
import { redactLogLine, redactUrl, redactValue } from './redact.js';

describe('redactUrl', () => {
  it('masks the install code, the revoke signature and webhook path secrets; keeps everything else', () => {
    expect(redactUrl('/amocrm/install?code=def5020abc&referer=demo.amocrm.ru&from_widget=1')).toBe('/amocrm/install?code=%5Bredacted%5D&referer=demo.amocrm.ru&from_widget=1');
    expect(redactUrl('/amocrm/revoke?account_id=1&client_uuid=x&signature=abc')).toBe('/amocrm/revoke?account_id=1&client_uuid=x&signature=%5Bredacted%5D');
    expect(redactUrl('/webhooks/moysklad/31000001/s3cr3t?requestId=r1')).toBe('/webhooks/moysklad/31000001/[redacted]?requestId=r1');
    expect(redactUrl('/webhooks/amocrm/31000001/s3cr3t')).toBe('/webhooks/amocrm/31000001/[redacted]');
    expect(redactUrl('/api/widget/customers/5/card')).toBe('/api/widget/customers/5/card');
    expect(redactUrl('/r/abc?lang=en')).toBe('/r/abc?lang=en');
  });

  it('is case-insensitive and sees through percent-encoding, as routing does', () => {
    expect(redactUrl('/WEBHOOKS/MoySklad/1/s3cr3t')).toBe('/WEBHOOKS/MoySklad/1/[redacted]');
    expect(redactUrl('/webhooks/%6Doysklad/1/s3cr3t')).toBe('/webhooks/%6Doysklad/1/[redacted]');
    expect(redactUrl('/amocrm/install?CODE=x&Signature=y')).toBe('/amocrm/install?CODE=%5Bredacted%5D&Signature=%5Bredacted%5D');
  });

  it('absolute URLs lose user info and secret query values', () => {
    expect(redactUrl('https://user:pw@api.example/x?access_token=t&limit=5')).toBe('https://api.example/x?access_token=%5Bredacted%5D&limit=5');
    expect(redactUrl('http://127.0.0.1:4030/webhooks/amocrm/7/s3cr3t')).toBe('http://127.0.0.1:4030/webhooks/amocrm/7/[redacted]');
    expect(redactUrl('http://[bad')).toBe('[unparseable url]');
  });
});

describe('redactValue and redactLogLine', () => {
  it('masks secret keys in any case at any depth, masks URLs, keeps problem codes and the rest', () => {
    const value = {
      Password: 'pw',
      headers: { AUTHORIZATION: 'Bearer x', 'X-Auth-Token': 'jwt', Cookie: 'c' },
      err: { config: { url: 'https://a.example/p?token=t', headers: { Authorization: 'Bearer y' } } },
      code: 'token_invalid',
      list: [{ Refresh_Token: 'r' }],
      login: 'admin@shop',
    };
    expect(redactValue(value)).toEqual({
      Password: '[redacted]',
      headers: { AUTHORIZATION: '[redacted]', 'X-Auth-Token': '[redacted]', Cookie: '[redacted]' },
      err: { config: { url: 'https://a.example/p?token=%5Bredacted%5D', headers: { Authorization: '[redacted]' } } },
      code: 'token_invalid',
      list: [{ Refresh_Token: '[redacted]' }],
      login: 'admin@shop',
    });
  });

  it('rewrites a JSON log line and passes anything else through', () => {
    expect(redactLogLine('{"a":{"SECRET":"s"}}\n')).toBe('{"a":{"SECRET":"[redacted]"}}\n');
    expect(redactLogLine('not json\n')).toBe('not json\n');
  });
});
