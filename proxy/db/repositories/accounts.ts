import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { AccountsTable, Database } from '../schema.js';

/** An account without its secrets: what most code needs (status page, routing, scheduling). */
export interface AccountRecord {
  accountId: number;
  subdomain: string;
  status: 'active' | 'revoked';
  needsReinstall: boolean;
  needsReauth: boolean;
  moyskladConnected: boolean;
  moyskladLogin: string | null;
  moyskladAccountId: string | null;
  hasAmoTokens: boolean;
  amoTokenExpiresAt: number | null;
  /** When a revoke was confirmed (null while active, and again after a reinstall). */
  revokedAt: number | null;
  personalDataPurgedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface AmoTokens {
  accessToken: string;
  /** null for amoCRM long-lived tokens (no rotation). */
  refreshToken: string | null;
  /** Epoch ms; null when unknown / long-lived. */
  expiresAt: number | null;
}

type SecretColumn = 'amo_access_token_enc' | 'amo_refresh_token_enc' | 'moysklad_token_enc' | 'webhook_secret_enc' | 'amo_webhook_secret_enc';

/**
 * Which service posts to a webhook URL. Each has its own secret, so a secret read by someone who can list the
 * webhooks of one system (any МойСклад admin, any amoCRM admin) does not open the other system's URL.
 */
export type WebhookService = 'moysklad' | 'amocrm';
const WEBHOOK_SECRET_COLUMN = { moysklad: 'webhook_secret_enc', amocrm: 'amo_webhook_secret_enc' } as const satisfies Record<WebhookService, SecretColumn>;

function newWebhookSecret(): string {
  return randomBytes(24).toString('base64url');
}

const settingsJson = z.record(z.string(), z.unknown());

/**
 * Accounts, with encryption applied here so plaintext secrets never reach a row. Each ciphertext is bound to
 * its row and column (`accounts:<id>:<column>`), so a blob copied elsewhere does not decrypt.
 * The sync, the widget services and the CLI use it directly; the widget's settings in `settings_json` are read with
 * defaults and saved by merging in `WidgetSettings` (proxy/services/widget-settings.ts).
 */
export class AccountsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets: SecretBox,
    private readonly now: () => number = Date.now,
  ) {}

  async find(accountId: number): Promise<AccountRecord | null> {
    const row = await this.db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async listActive(): Promise<AccountRecord[]> {
    const rows = await this.db.selectFrom('accounts').selectAll().where('status', '=', 'active').orderBy('id').execute();
    return rows.map(toRecord);
  }

  /** Creates the account if missing; a known account keeps its data but follows a subdomain rename. */
  async ensure(accountId: number, subdomain: string): Promise<void> {
    const now = this.now();
    await this.db
      .insertInto('accounts')
      .values({
        id: accountId,
        subdomain,
        status: 'active',
        needs_reinstall: 0,
        needs_reauth: 0,
        settings_json: '{}',
        webhook_secret_enc: this.seal(accountId, 'webhook_secret_enc', newWebhookSecret()),
        amo_webhook_secret_enc: this.seal(accountId, 'amo_webhook_secret_enc', newWebhookSecret()),
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('id').doUpdateSet({ subdomain, updated_at: now }))
      .execute();
  }

  async saveMoySkladConnection(accountId: number, login: string, token: string, moyskladAccountId: string | null = null): Promise<void> {
    await this.update(accountId, {
      moysklad_token_enc: this.seal(accountId, 'moysklad_token_enc', token),
      moysklad_login: login,
      moysklad_account_id: moyskladAccountId,
      needs_reauth: 0,
    });
  }

  async clearMoySkladConnection(accountId: number): Promise<void> {
    await this.update(accountId, { moysklad_token_enc: null, moysklad_login: null, moysklad_account_id: null, needs_reauth: 0 });
  }

  async moyskladToken(accountId: number): Promise<string | null> {
    const row = await this.db.selectFrom('accounts').select('moysklad_token_enc').where('id', '=', accountId).executeTakeFirst();
    return row?.moysklad_token_enc ? this.open(accountId, 'moysklad_token_enc', row.moysklad_token_enc) : null;
  }

  async markMoySkladNeedsReauth(accountId: number): Promise<void> {
    await this.update(accountId, { needs_reauth: 1 });
  }

  /** Install: stores the tokens, (re)activates the account and clears needs_reinstall (and a pending purge). */
  async saveAmoTokens(accountId: number, subdomain: string, tokens: AmoTokens): Promise<void> {
    await this.ensure(accountId, subdomain);
    await this.updateAmoTokens(accountId, tokens);
    await this.update(accountId, { status: 'active', needs_reinstall: 0, revoked_at: null, personal_data_purged_at: null });
  }

  /** Token refresh: replaces the pair of a known account. False when the account does not exist. */
  async updateAmoTokens(accountId: number, tokens: AmoTokens): Promise<boolean> {
    return this.update(accountId, {
      amo_access_token_enc: this.seal(accountId, 'amo_access_token_enc', tokens.accessToken),
      amo_refresh_token_enc: tokens.refreshToken === null ? null : this.seal(accountId, 'amo_refresh_token_enc', tokens.refreshToken),
      amo_token_expires_at: tokens.expiresAt,
    });
  }

  async amoTokens(accountId: number): Promise<AmoTokens | null> {
    const row = await this.db
      .selectFrom('accounts')
      .select(['amo_access_token_enc', 'amo_refresh_token_enc', 'amo_token_expires_at'])
      .where('id', '=', accountId)
      .executeTakeFirst();
    if (!row?.amo_access_token_enc) return null;
    return {
      accessToken: this.open(accountId, 'amo_access_token_enc', row.amo_access_token_enc),
      refreshToken: row.amo_refresh_token_enc === null ? null : this.open(accountId, 'amo_refresh_token_enc', row.amo_refresh_token_enc),
      expiresAt: row.amo_token_expires_at === null ? null : Number(row.amo_token_expires_at),
    };
  }

  async markNeedsReinstall(accountId: number): Promise<void> {
    await this.update(accountId, { needs_reinstall: 1 });
  }

  /**
   * Revoke hook: forgets every credential, marks the account revoked (its personal data is purged after the grace
   * period) and replaces both webhook secrets, so URLs registered before are dead. False for an unknown account.
   */
  async wipeCredentials(accountId: number): Promise<boolean> {
    const updated = await this.update(accountId, {
      status: 'revoked',
      revoked_at: this.now(),
      personal_data_purged_at: null,
      amo_access_token_enc: null,
      amo_refresh_token_enc: null,
      amo_token_expires_at: null,
      amo_refresh_lock_owner: null,
      amo_refresh_lock_until: null,
      moysklad_token_enc: null,
      needs_reinstall: 1,
      webhook_secret_enc: this.seal(accountId, 'webhook_secret_enc', newWebhookSecret()),
      amo_webhook_secret_enc: this.seal(accountId, 'amo_webhook_secret_enc', newWebhookSecret()),
    });
    return updated;
  }

  /** Raw settings object ({} when never saved); the settings service validates its own shape. */
  async getSettings(accountId: number): Promise<Record<string, unknown>> {
    const row = await this.db.selectFrom('accounts').select('settings_json').where('id', '=', accountId).executeTakeFirst();
    if (!row) return {};
    const parsed = settingsJson.safeParse(JSON.parse(row.settings_json));
    return parsed.success ? parsed.data : {};
  }

  async saveSettings(accountId: number, settings: Record<string, unknown>): Promise<void> {
    await this.update(accountId, { settings_json: JSON.stringify(settings) });
  }

  /**
   * The random secret embedded in `service`'s webhook URL for this account (compare with crypto.timingSafeEqual).
   * An account created before migration 0006 has no amoCRM secret yet: with `create`, one is made now (first writer
   * wins, so concurrent callers agree); without, null.
   */
  async webhookSecret(accountId: number, service: WebhookService, options: { create?: boolean } = {}): Promise<string | null> {
    const column = WEBHOOK_SECRET_COLUMN[service];
    const read = async () => (await this.db.selectFrom('accounts').select(['webhook_secret_enc', 'amo_webhook_secret_enc']).where('id', '=', accountId).executeTakeFirst()) ?? null;
    let row = await read();
    if (!row) return null;
    if (!row[column] && options.create) {
      await this.db
        .updateTable('accounts')
        .set({ [column]: this.seal(accountId, column, newWebhookSecret()), updated_at: this.now() })
        .where('id', '=', accountId)
        .where(column, 'is', null)
        .execute();
      row = await read();
    }
    const blob = row?.[column];
    return blob ? this.open(accountId, column, blob) : null;
  }

  /**
   * New secrets for both services' webhook URLs (reinstall, МойСклад reconnect): whoever read the old URLs — from
   * either system's webhook list, or from a log — can no longer post to us. The connect job registers the new URLs.
   */
  async rotateWebhookSecrets(accountId: number): Promise<void> {
    await this.update(accountId, {
      webhook_secret_enc: this.seal(accountId, 'webhook_secret_enc', newWebhookSecret()),
      amo_webhook_secret_enc: this.seal(accountId, 'amo_webhook_secret_enc', newWebhookSecret()),
    });
  }

  /**
   * Single-flight amoCRM token refresh across processes: true if `owner` now holds the refresh lease (free,
   * expired, or already its own). amoCRM invalidates a refresh token once used, so two concurrent refreshes
   * would log the account out; the loser waits and re-reads the tokens instead.
   */
  async tryAcquireRefreshLock(accountId: number, owner: string, leaseMs: number): Promise<boolean> {
    const now = this.now();
    const result = await this.db
      .updateTable('accounts')
      .set({ amo_refresh_lock_owner: owner, amo_refresh_lock_until: now + leaseMs })
      .where('id', '=', accountId)
      .where((eb) => eb.or([eb('amo_refresh_lock_until', 'is', null), eb('amo_refresh_lock_until', '<', now), eb('amo_refresh_lock_owner', '=', owner)]))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async releaseRefreshLock(accountId: number, owner: string): Promise<void> {
    await this.db
      .updateTable('accounts')
      .set({ amo_refresh_lock_owner: null, amo_refresh_lock_until: null })
      .where('id', '=', accountId)
      .where('amo_refresh_lock_owner', '=', owner)
      .execute();
  }

  private async update(accountId: number, values: Partial<Omit<Selectable<AccountsTable>, 'id' | 'created_at'>>): Promise<boolean> {
    const result = await this.db.updateTable('accounts').set({ ...values, updated_at: this.now() }).where('id', '=', accountId).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  private seal(accountId: number, column: SecretColumn, plaintext: string): string {
    return this.secrets.encrypt(plaintext, `accounts:${accountId}:${column}`);
  }

  private open(accountId: number, column: SecretColumn, blob: string): string {
    return this.secrets.decrypt(blob, `accounts:${accountId}:${column}`);
  }
}

function toRecord(row: Selectable<AccountsTable>): AccountRecord {
  return {
    accountId: Number(row.id),
    subdomain: row.subdomain,
    status: row.status,
    needsReinstall: Number(row.needs_reinstall) === 1,
    needsReauth: Number(row.needs_reauth) === 1,
    moyskladConnected: row.moysklad_token_enc !== null,
    moyskladLogin: row.moysklad_login,
    moyskladAccountId: row.moysklad_account_id,
    hasAmoTokens: row.amo_access_token_enc !== null,
    amoTokenExpiresAt: row.amo_token_expires_at === null ? null : Number(row.amo_token_expires_at),
    revokedAt: row.revoked_at == null ? null : Number(row.revoked_at),
    personalDataPurgedAt: row.personal_data_purged_at == null ? null : Number(row.personal_data_purged_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
