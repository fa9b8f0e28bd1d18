import { describe, expect, it } from 'vitest';
import { ConfigError, configTable, configTableMarkdown, loadConfig } from './config.js';

const validEnv = {
  PUBLIC_URL: 'https://proxy.example.com',
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  AMOCRM_CLIENT_ID: 'client-id',
  AMOCRM_CLIENT_SECRET: 'client-secret',
  AMOCRM_REDIRECT_URI: 'https://proxy.example.com/oauth/amocrm',
};

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies documented defaults to a minimal environment', () => {
    const config = loadConfig(validEnv);
    expect(config.PORT).toBe(8080);
    expect(config.DATABASE_URL).toBe('file:./data/proxy.sqlite');
    expect(config.AMOCRM_BASE_URL_TEMPLATE).toBe('https://{subdomain}.amocrm.ru');
    expect(config.MOYSKLAD_API_URL).toBe('https://api.moysklad.ru/api/remap/1.2');
    expect(config.AMOCRM_RATE_LIMIT_PER_SECOND).toBe(7);
    expect(config.ALLOWED_ORIGINS).toEqual([]);
    expect(config.PERSONAL_DATA_GRACE_HOURS).toBe(0);
    expect(config.ENCRYPTION_KEY.equals(Buffer.alloc(32, 7))).toBe(true);
  });

  it('accepts a hex key, a PostgreSQL URL and a list of origins', () => {
    const config = loadConfig({
      ...validEnv,
      ENCRYPTION_KEY: 'ab'.repeat(32),
      DATABASE_URL: 'postgresql://u@127.0.0.1/db',
      ALLOWED_ORIGINS: 'http://127.0.0.1:5173, http://localhost:3000',
      PORT: '0',
      AMOCRM_BASE_URL_TEMPLATE: 'http://127.0.0.1:4000/a/{subdomain}/',
    });
    expect(config.ENCRYPTION_KEY.equals(Buffer.alloc(32, 0xab))).toBe(true);
    expect(config.ALLOWED_ORIGINS).toEqual(['http://127.0.0.1:5173', 'http://localhost:3000']);
    expect(config.PORT).toBe(0);
    expect(config.AMOCRM_BASE_URL_TEMPLATE).toBe('http://127.0.0.1:4000/a/{subdomain}');
  });

  it('lists every bad variable at once, without echoing secret values', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      PUBLIC_URL: 'ftp://x',
      DATABASE_URL: 'mysql://x',
      ENCRYPTION_KEY: 'dG9vLXNob3J0',
      AMOCRM_CLIENT_SECRET: '   ',
      AMOCRM_BASE_URL_TEMPLATE: 'https://amocrm.ru',
      ALLOWED_ORIGINS: 'http://ok.example, not-a-url',
      AMOCRM_RATE_LIMIT_PER_SECOND: '8',
      LOG_LEVEL: 'loud',
      WORKER_CONCURRENCY: '0',
      RECONCILE_INTERVAL_SECONDS: '4',
      PERSONAL_DATA_GRACE_HOURS: '721',
    });
    const names = problems.map((p) => p.split(' ')[0]);
    expect(names.sort()).toEqual(
      [
        'PORT', 'PUBLIC_URL', 'DATABASE_URL', 'ENCRYPTION_KEY', 'AMOCRM_CLIENT_ID', 'AMOCRM_CLIENT_SECRET',
        'AMOCRM_REDIRECT_URI', 'AMOCRM_BASE_URL_TEMPLATE', 'ALLOWED_ORIGINS', 'AMOCRM_RATE_LIMIT_PER_SECOND',
        'LOG_LEVEL', 'WORKER_CONCURRENCY', 'RECONCILE_INTERVAL_SECONDS', 'PERSONAL_DATA_GRACE_HOURS',
      ].sort(),
    );
    expect(problems.join('\n')).not.toContain('dG9vLXNob3J0');
    expect(problems.find((p) => p.startsWith('AMOCRM_RATE_LIMIT_PER_SECOND'))).toMatch(/at most 7/);
    expect(problems.find((p) => p.startsWith('AMOCRM_BASE_URL_TEMPLATE'))).toMatch(/\{subdomain\}/);
    expect(problems).toContain('AMOCRM_REDIRECT_URI is required');
    expect(problems).toContain('PUBLIC_URL must be an http(s) URL');
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ ...validEnv, PORT: '', LOG_LEVEL: '' }).PORT).toBe(8080);
    expect(problemsOf({ ...validEnv, ENCRYPTION_KEY: '' })).toEqual([expect.stringMatching(/^ENCRYPTION_KEY /)]);
  });

  it('documents every variable it reads', () => {
    const markdown = configTableMarkdown();
    for (const entry of configTable) expect(markdown).toContain(`\`${entry.name}\``);
  });

  it('TRUST_PROXY: off by default; a hop count, loopback or true; anything else is refused', () => {
    expect(loadConfig(validEnv).TRUST_PROXY).toBe(false);
    expect(loadConfig({ ...validEnv, TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ ...validEnv, TRUST_PROXY: 'loopback' }).TRUST_PROXY).toBe('loopback');
    expect(loadConfig({ ...validEnv, TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(problemsOf({ ...validEnv, TRUST_PROXY: 'everyone' })).toEqual([expect.stringMatching(/^TRUST_PROXY /)]);
  });
});
