import { z } from 'zod';
import { parseEncryptionKey } from './crypto/encryption-key.js';

/**
 * The proxy's whole configuration, read from the environment once at boot. Nothing else reads
 * `process.env`. `loadConfig` throws a ConfigError naming every bad variable at once, so an operator
 * fixes the deployment in one pass; the entry (server.ts) prints it and exits with code 1.
 */

export interface ConfigEntry {
  name: string;
  default: string | null;
  meaning: string;
}

/** Documentation of every variable, in the order an operator would set them (printed into the README). */
export const configTable: readonly ConfigEntry[] = [
  { name: 'PORT', default: '8080', meaning: 'TCP port the HTTP server listens on.' },
  { name: 'HOST', default: '0.0.0.0', meaning: 'Interface to bind (127.0.0.1 to accept local connections only).' },
  { name: 'PUBLIC_URL', default: null, meaning: 'Public origin of this proxy (https://…, no path). Expected `aud` of amoCRM disposable tokens and the prefix of our webhook URLs.' },
  { name: 'DATABASE_URL', default: 'file:./data/proxy.sqlite', meaning: '`file:<path>` for SQLite (one instance), `postgres://…` or `postgresql://…` for PostgreSQL (several instances). Optional `?schema=<name>` selects a PostgreSQL schema.' },
  { name: 'ENCRYPTION_KEY', default: null, meaning: '32-byte key for AES-256-GCM encryption of stored tokens: base64 or 64 hex digits (`openssl rand -base64 32`). Changing it makes stored tokens unreadable.' },
  { name: 'AMOCRM_CLIENT_ID', default: null, meaning: 'Integration id from amoCRM (Settings → Integrations).' },
  { name: 'AMOCRM_CLIENT_SECRET', default: null, meaning: 'Integration secret key; also verifies disposable tokens (HS256).' },
  { name: 'AMOCRM_REDIRECT_URI', default: null, meaning: 'OAuth redirect URI exactly as registered in the integration.' },
  { name: 'AMOCRM_BASE_URL_TEMPLATE', default: 'https://{subdomain}.amocrm.ru', meaning: 'Account base URL; must contain `{subdomain}`. The sandbox points it at the emulator.' },
  { name: 'MOYSKLAD_API_URL', default: 'https://api.moysklad.ru/api/remap/1.2', meaning: 'МойСклад JSON API base URL. The sandbox points it at the emulator.' },
  { name: 'TRUST_PROXY', default: 'false', meaning: 'Express `trust proxy`: `false` when clients connect directly, else the number of reverse proxies in front (e.g. `1`) or `loopback`. Client IPs (the referral page\'s rate limit) come from `X-Forwarded-For` only when set.' },
  { name: 'ALLOWED_ORIGINS', default: '', meaning: 'Extra CORS origins, comma-separated (the sandbox host page). amoCRM account origins are always allowed.' },
  { name: 'AMOCRM_RATE_LIMIT_PER_SECOND', default: '7', meaning: 'Requests per second per amoCRM account (1–7; amoCRM blocks accounts that exceed 7).' },
  { name: 'LOG_LEVEL', default: 'info', meaning: 'pino level: fatal, error, warn, info, debug, trace or silent.' },
  { name: 'WORKER_CONCURRENCY', default: '4', meaning: 'Jobs this process runs at once (1–64).' },
  { name: 'RECONCILE_INTERVAL_SECONDS', default: '900', meaning: 'How often to poll for changes missed by webhooks (5–86400; the sandbox uses short intervals).' },
  { name: 'PERSONAL_DATA_GRACE_HOURS', default: '0', meaning: 'After amoCRM confirms an uninstall, buyers\' names, phones, e-mails, purchases and the operation log of the account are deleted after this many hours (0 = at once; at most 720, the 30 days 152-ФЗ allows). Until then nothing of it is served.' },
];

const defaultOf = (name: string): string => {
  const entry = configTable.find((e) => e.name === name);
  if (entry?.default == null) throw new Error(`configTable has no default for ${name}`);
  return entry.default;
};

const httpOrigin = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  // zod runs refinements even after a failed check, so guard the URL parse.
  .refine((value) => !URL.canParse(value) || (new URL(value).pathname === '/' && !value.endsWith('/')), 'must be an origin without a path or trailing slash');

const intInRange = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(Number(defaultOf(name)));

const requiredText = z.string({ error: 'is required' }).trim().min(1, 'is required');

const envSchema = z.object({
  PORT: intInRange('PORT', 0, 65535),
  HOST: z.string().trim().min(1).default(defaultOf('HOST')),
  PUBLIC_URL: httpOrigin,
  DATABASE_URL: z
    .string()
    .trim()
    .default(defaultOf('DATABASE_URL'))
    .refine((v) => /^(file:|postgres:\/\/|postgresql:\/\/)/.test(v), 'must start with file:, postgres:// or postgresql://'),
  ENCRYPTION_KEY: z
    .string({ error: 'is required' })
    .transform((value, ctx) => {
      try {
        return parseEncryptionKey(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  AMOCRM_CLIENT_ID: requiredText,
  AMOCRM_CLIENT_SECRET: requiredText,
  AMOCRM_REDIRECT_URI: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  AMOCRM_BASE_URL_TEMPLATE: z
    .string()
    .trim()
    .default(defaultOf('AMOCRM_BASE_URL_TEMPLATE'))
    .refine((v) => v.includes('{subdomain}'), 'must contain {subdomain}')
    .refine((v) => URL.canParse(v.replace('{subdomain}', 'x')), 'must be a URL once {subdomain} is filled in')
    .transform((v) => v.replace(/\/+$/, '')),
  MOYSKLAD_API_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default(defaultOf('MOYSKLAD_API_URL'))
    .transform((v) => v.replace(/\/+$/, '')),
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(httpOrigin)),
  TRUST_PROXY: z
    .string()
    .default(defaultOf('TRUST_PROXY'))
    .refine((v) => /^(false|true|loopback|\d{1,2})$/.test(v), 'must be false, true, loopback or a number of hops')
    .transform((v): boolean | number | string => (v === 'false' ? false : v === 'true' ? true : /^\d+$/.test(v) ? Number(v) : v)),
  AMOCRM_RATE_LIMIT_PER_SECOND: intInRange('AMOCRM_RATE_LIMIT_PER_SECOND', 1, 7),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WORKER_CONCURRENCY: intInRange('WORKER_CONCURRENCY', 1, 64),
  RECONCILE_INTERVAL_SECONDS: intInRange('RECONCILE_INTERVAL_SECONDS', 5, 86_400),
  PERSONAL_DATA_GRACE_HOURS: intInRange('PERSONAL_DATA_GRACE_HOURS', 0, 720),
});

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; empty strings count as unset so `FOO=` in an .env file falls back to the default. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input: Record<string, string> = {};
  for (const { name } of configTable) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') input[name] = value;
  }
  const parsed = envSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  // Report each variable once, with the first reason; the value itself is never echoed (it may be a secret).
  const problems = new Map<string, string>();
  for (const issue of parsed.error.issues) {
    const name = String(issue.path[0] ?? 'environment');
    const missing = issue.code === 'invalid_type' && input[name] === undefined;
    if (!problems.has(name)) problems.set(name, `${name} ${missing ? 'is required' : issue.message}`);
  }
  throw new ConfigError([...problems.values()]);
}

/** Renders `configTable` as a Markdown table for the README. */
export function configTableMarkdown(): string {
  const rows = configTable.map((e) => `| \`${e.name}\` | ${e.default === null ? '(required)' : e.default === '' ? '(empty)' : `\`${e.default}\``} | ${e.meaning} |`);
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
