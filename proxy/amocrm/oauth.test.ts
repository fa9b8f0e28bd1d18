import { describe, expect, it } from 'vitest';
import { AmoAuthError } from './errors.js';
import { accountBaseUrl, exchangeCode } from './oauth.js';
import { parseExample } from './test-support/parse-example.js';
import { AMO_BASE } from './test-support/fake-amocrm.js';
import { useFakeAmoCrm } from './test-support/msw-setup.js';
import { referenceBlocks as ref } from './test-support/reference-examples.js';

const ctx = useFakeAmoCrm();
const credentials = { clientId: 'client', clientSecret: 'secret', redirectUri: 'https://proxy.example.com/amo/oauth' };

describe('amoCRM OAuth', () => {
  it('renders the base URL from the template and refuses host-changing subdomains', () => {
    expect(accountBaseUrl('https://{subdomain}.amocrm.ru', 'demo')).toBe(AMO_BASE);
    expect(accountBaseUrl('http://127.0.0.1:4000/a/{subdomain}/', 'shop-1')).toBe('http://127.0.0.1:4000/a/shop-1');
    expect(() => accountBaseUrl('https://{subdomain}.amocrm.ru', 'evil.com/x')).toThrow(RangeError);
  });

  it('exchanges a code with the documented body and returns an expiry', async () => {
    const before = Date.now();
    const tokens = await exchangeCode('good-code', { baseUrl: AMO_BASE, credentials });
    expect(tokens.accessToken).toMatch(/^access-r/);
    expect(tokens.expiresAt! - before).toBeGreaterThanOrEqual(86_400_000 - 1000);
    expect(Object.keys(parseExample(ref.exchangeCodeRequest) as object).sort()).toEqual(['client_id', 'client_secret', 'code', 'grant_type', 'redirect_uri']);
    await expect(exchangeCode('expired', { baseUrl: AMO_BASE, credentials })).rejects.toBeInstanceOf(AmoAuthError);
    expect(ctx.fake.tokenCalls).toBe(2);
  });
});
