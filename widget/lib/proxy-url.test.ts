import { describe, expect, it } from 'vitest';
import { DEFAULT_PROXY_URL, resolveProxyUrl } from './proxy-url.js';

describe('resolveProxyUrl', () => {
  it('prefers a valid runtime proxy_url and trims trailing slashes', () => {
    expect(resolveProxyUrl({ proxy_url: 'http://127.0.0.1:4100/' })).toBe('http://127.0.0.1:4100');
  });

  it('ignores anything that is not an http(s) URL', () => {
    expect(resolveProxyUrl({ proxy_url: 'javascript:alert(1)' })).toBe(DEFAULT_PROXY_URL);
    expect(resolveProxyUrl({ proxy_url: 'not a url' })).toBe(DEFAULT_PROXY_URL);
    expect(resolveProxyUrl(undefined)).toBe(DEFAULT_PROXY_URL);
  });
});
