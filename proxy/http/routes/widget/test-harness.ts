/**
 * Test support (not a test): the real app factory with the widget API, a real database (SQLite or
 * PostgreSQL via proxy/test-support), the МойСклад emulator from the sandbox, captured pino output and
 * amoCRM disposable tokens from the sandbox's one signer.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import { signDisposableToken } from '../../../../sandbox/amocrm/auth/disposable-token.js';
import { MoySkladEmulator, type MoySkladEmulatorOptions } from '../../../../sandbox/moysklad/emulator.js';
import { createApp } from '../../../app.js';
import type { SecretBox } from '../../../crypto/secret-box.js';
import { loadConfig } from '../../../config.js';
import { createLogger } from '../../../logger.js';
import type { AmoCodeExchange } from '../../../services/amo-code-exchange.js';
import type { AmoAuthorizationCheck } from '../../../services/amo-authorization.js';
import type { HookLimits } from '../amocrm-hooks.js';
import type { PhoneConfirmationPort } from '../../../services/phone-confirmation.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from '../../../test-support/databases.js';
import { contextOn } from '../../../context.js';
import { createSyncModule } from '../../../sync/module.js';
import { createWidgetApiModule, type WidgetApiModule } from '../widget-api.js';

export const CLIENT_ID = '0b0832f6-1111-4222-8333-444455556666';
export const CLIENT_SECRET = 'test-client-secret-with-enough-entropy-0123456789';
export const PUBLIC_URL = 'https://proxy.example.test';
export const SANDBOX_PASSWORD = 'sandbox-password';
export const SANDBOX_LOGIN = 'admin@demo';
export const AMO_BASE_TEMPLATE = 'http://127.0.0.1:9/a/{subdomain}';

export type TokenClaims = {
  accountId?: number;
  userId?: number;
  subdomain?: string;
  isAdmin?: boolean | undefined;
  iss?: string;
  aud?: string;
  clientUuid?: string;
  jti?: string;
  iat?: number;
  nbf?: number;
  exp?: number;
  secret?: string;
};

export async function signToken(claims: TokenClaims = {}): Promise<string> {
  const subdomain = claims.subdomain ?? 'demo';
  const { jti, iat, nbf, exp } = claims;
  return signDisposableToken({
    clientSecret: claims.secret ?? CLIENT_SECRET,
    clientId: claims.clientUuid ?? CLIENT_ID,
    issuer: claims.iss ?? AMO_BASE_TEMPLATE.replace('{subdomain}', subdomain),
    audience: claims.aud ?? PUBLIC_URL,
    accountId: claims.accountId ?? 1001,
    userId: claims.userId ?? 501,
    subdomain,
    isAdmin: claims.isAdmin,
    override: { ...(jti !== undefined ? { jti } : {}), ...(iat !== undefined ? { iat } : {}), ...(nbf !== undefined ? { nbf } : {}), ...(exp !== undefined ? { exp } : {}) },
  });
}

export type Harness = {
  base: string;
  app: Express;
  database: TestDatabase;
  emulator: MoySkladEmulator;
  api: WidgetApiModule;
  secrets: SecretBox;
  logLines: string[];
  call(method: string, path: string, options?: { token?: string | null; claims?: TokenClaims; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; json: any; text: string }>;
  /**
   * Creates the account row (connected to МойСклад with a stand-in token unless `connected: false`), a МойСклад
   * counterparty and its read-model buyer; returns the counterparty id.
   */
  seedBuyer(input: { accountId: number; amoCustomerId: number; name?: string; points?: number; subdomain?: string; phone?: string; connected?: boolean }): Promise<string>;
  close(): Promise<void>;
};

export async function startHarness(kind: DatabaseKind, options: { emulator?: MoySkladEmulatorOptions; amoOAuth?: Pick<AmoCodeExchange, 'exchangeCode'>; idempotencyWaitMs?: number; referralPostLimit?: number; amoBaseTemplate?: string; amoRedirectUri?: string; trustProxy?: boolean | number | string; amoAuthorization?: AmoAuthorizationCheck; hookLimits?: HookLimits; personalDataGraceHours?: number; phoneConfirmation?: PhoneConfirmationPort } = {}): Promise<Harness> {
  const database = await createTestDatabase(kind);
  const emulator = new MoySkladEmulator({ rateLimits: { requestsPerWindow: 10_000, parallelPerUser: 50 }, ...options.emulator });
  const { baseUrl } = await emulator.listen(0);
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      logLines.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  // The proxy's own configuration and context (proxy/context.ts), as a process builds them, on the test database.
  // Not the whole stack (sandbox/orchestrator/stack.ts): these tests sign amoCRM's disposable tokens themselves for a
  // PUBLIC_URL nobody listens on, and amoCRM is a stand-in or a relay the test controls.
  const config = loadConfig({
    PUBLIC_URL,
    DATABASE_URL: database.url,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    AMOCRM_CLIENT_ID: CLIENT_ID,
    AMOCRM_CLIENT_SECRET: CLIENT_SECRET,
    AMOCRM_REDIRECT_URI: options.amoRedirectUri ?? `${PUBLIC_URL}/amocrm/install`,
    AMOCRM_BASE_URL_TEMPLATE: options.amoBaseTemplate ?? AMO_BASE_TEMPLATE,
    MOYSKLAD_API_URL: baseUrl,
    ALLOWED_ORIGINS: 'http://127.0.0.1:9',
    ...(options.personalDataGraceHours !== undefined ? { PERSONAL_DATA_GRACE_HOURS: String(options.personalDataGraceHours) } : {}),
  });
  // One queue, one МойСклад limiter set and one AccountClients, as in a proxy process: the widget API and the webhook
  // routes below enqueue into the same queue.
  const context = contextOn(config, database, { logger });
  const { secrets, accounts } = context;
  const api = createWidgetApiModule(context, {
    ...(options.phoneConfirmation ? { phoneConfirmation: options.phoneConfirmation } : {}),
    overrides: {
      ...(options.amoOAuth ? { amoOAuth: options.amoOAuth } : {}),
      ...(options.amoAuthorization ? { amoAuthorization: options.amoAuthorization } : {}),
      ...(options.hookLimits ? { hookLimits: options.hookLimits } : {}),
      interactiveMoysklad: { sleep: async () => undefined },
      ...(options.referralPostLimit ? { referralLimits: { postPerWindow: options.referralPostLimit } } : {}),
      idempotencyTiming: { ttlMs: 3600_000, waitMs: options.idempotencyWaitMs ?? 15_000, pollMs: 10 },
    },
  });
  // The sync module's routes too (its webhooks), as a server registers them, so every public path is reachable here.
  // The module is not started and no worker runs: these tests look at the jobs a request queued, not at their effects.
  const sync = createSyncModule(context);
  const app = createApp({ logger, database, ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}), routes: [api.register, ...(sync.routes ?? [])] });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    base,
    app,
    database,
    emulator,
    api,
    secrets,
    logLines,
    async call(method, path, callOptions = {}) {
      const headers: Record<string, string> = { ...callOptions.headers };
      const token = callOptions.token === undefined ? await signToken(callOptions.claims) : callOptions.token;
      if (token !== null) headers['X-Auth-Token'] = token;
      let body: string | undefined = callOptions.rawBody;
      if (callOptions.body !== undefined) {
        body = JSON.stringify(callOptions.body);
        headers['Content-Type'] ??= 'application/json';
      }
      const response = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await response.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      return { status: response.status, headers: response.headers, json, text };
    },
    async seedBuyer(input) {
      const counterparty = emulator.ui.createCounterparty({ name: input.name ?? 'Иван Петров', companyType: 'individual', phone: input.phone ?? '+79990000001' }) as { id: string };
      const now = Date.now();
      const { db } = database;
      // Through the repository, so the account has real (encrypted) webhook secrets like one made by the install hook.
      const exists = await db.selectFrom('accounts').select('id').where('id', '=', input.accountId).executeTakeFirst();
      if (!exists) {
        await accounts.ensure(input.accountId, input.subdomain ?? 'demo');
        // The card answers only for an account connected to МойСклад; tests that connect for real overwrite this.
        if (input.connected !== false) await accounts.saveMoySkladConnection(input.accountId, SANDBOX_LOGIN, 'seeded-token');
      }
      await db
        .insertInto('buyers')
        .values({
          account_id: input.accountId,
          moysklad_id: counterparty.id,
          amo_customer_id: input.amoCustomerId,
          name: input.name ?? 'Иван Петров',
          phone: input.phone ?? '+79990000001',
          email: null,
          bonus_card: 'CARD-1',
          points: input.points ?? 0,
          purchase_total_kopecks: 150_000,
          purchase_count: 2,
          referral_code: `ref${input.accountId}x${input.amoCustomerId}`,
          referrer_moysklad_id: null,
          updated_at: now,
        })
        .execute();
      return counterparty.id;
    },
    async close() {
      await api.settle();
      await new Promise((resolve) => server.close(resolve));
      await emulator.close().catch(() => undefined); // a test may have closed it already
      await database.dispose();
    },
  };
}
