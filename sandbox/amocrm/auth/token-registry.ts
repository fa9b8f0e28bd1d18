import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

/**
 * OAuth state of the emulated amoCRM: authorization codes, access tokens (JWT), single-use refresh tokens and
 * long-lived tokens. Time comes from the emulator clock so tests can move it.
 */

export interface Grant { subdomain: string; accountId: number; userId: number; clientId: string }

interface CodeRecord extends Grant { expiresAt: number; used: boolean }
interface RefreshRecord extends Grant { expiresAt: number; used: boolean; revoked: boolean }
export interface AccessRecord extends Grant { jti: string; kind: 'access' | 'long_lived' | 'ui'; expiresAt: number; revoked: boolean }

export interface TokenPair { token_type: 'Bearer'; expires_in: number; server_time: number; access_token: string; refresh_token: string }

export type AccessCheck = { ok: true; record: AccessRecord } | { ok: false; reason: string };

export class TokenRegistry {
  private readonly signingKey = randomBytes(32);
  private readonly codes = new Map<string, CodeRecord>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();
  private readonly accessTokens = new Map<string, AccessRecord>();

  constructor(
    private readonly now: () => number,
    private readonly ttl: { accessSec: number; refreshSec: number; codeSec: number },
  ) {}

  issueCode(grant: Grant): string {
    const code = `def50200${randomBytes(48).toString('hex')}`;
    this.codes.set(code, { ...grant, expiresAt: this.now() + this.ttl.codeSec * 1000, used: false });
    return code;
  }

  /** Returns the grant, or an error hint in amoCRM's wording. Codes are single-use. */
  consumeCode(code: string, subdomain: string): Grant | { error: string } {
    const record = this.codes.get(code);
    if (!record || record.subdomain !== subdomain) return { error: 'Cannot decrypt the authorization code' };
    if (record.used) return { error: 'Authorization code has been revoked' };
    if (record.expiresAt <= this.now()) return { error: 'Authorization code has expired' };
    record.used = true;
    return grantOf(record);
  }

  /** Refresh tokens are single-use: a second use answers "Token has been revoked". */
  consumeRefreshToken(token: string, subdomain: string): Grant | { error: string } {
    const record = this.refreshTokens.get(token);
    if (!record || record.subdomain !== subdomain) return { error: 'Cannot decrypt the refresh token' };
    if (record.used || record.revoked) return { error: 'Token has been revoked' };
    if (record.expiresAt <= this.now()) return { error: 'Token has expired' };
    record.used = true;
    return grantOf(record);
  }

  /** The grant behind a still-usable refresh token, without consuming it (for the subdomain lookup). */
  peekRefreshToken(token: string): Grant | null {
    const record = this.refreshTokens.get(token);
    return record && !record.used && !record.revoked && record.expiresAt > this.now() ? grantOf(record) : null;
  }

  async issuePair(grant: Grant, apiDomain: string): Promise<TokenPair> {
    const access = await this.signAccess(grant, apiDomain, 'access', this.ttl.accessSec);
    const refresh = randomBytes(64).toString('base64url');
    this.refreshTokens.set(refresh, { ...grant, expiresAt: this.now() + this.ttl.refreshSec * 1000, used: false, revoked: false });
    return { token_type: 'Bearer', expires_in: this.ttl.accessSec, server_time: Math.floor(this.now() / 1000), access_token: access, refresh_token: refresh };
  }

  /** Long-lived tokens (1 day … 5 years) have no refresh token. */
  issueLongLived(grant: Grant, apiDomain: string, ttlSec: number): Promise<string> {
    return this.signAccess(grant, apiDomain, 'long_lived', ttlSec);
  }

  /** A token of amoCRM's own web UI (not of the integration): exempt from the integration's limits and revocation. */
  issueUi(grant: Grant, apiDomain: string, ttlSec: number): Promise<string> {
    return this.signAccess(grant, apiDomain, 'ui', ttlSec);
  }

  async verifyAccess(token: string, subdomain: string): Promise<AccessCheck> {
    try {
      const { payload } = await jwtVerify(token, this.signingKey, { algorithms: ['HS256'], currentDate: new Date(this.now()) });
      const record = typeof payload.jti === 'string' ? this.accessTokens.get(payload.jti) : undefined;
      if (!record) return { ok: false, reason: 'Unknown token' };
      if (record.revoked) return { ok: false, reason: 'Token has been revoked' };
      if (record.subdomain !== subdomain) return { ok: false, reason: 'Token issued for another account' };
      if (record.expiresAt <= this.now()) return { ok: false, reason: 'Token has expired' };
      return { ok: true, record };
    } catch {
      return { ok: false, reason: 'Invalid or expired token' };
    }
  }

  /** Disabling the integration revokes every token it holds on the account. Returns how many were live. */
  revokeAll(subdomain: string, clientId: string): number {
    let revoked = 0;
    for (const record of [...this.accessTokens.values(), ...this.refreshTokens.values()]) {
      if (record.subdomain === subdomain && record.clientId === clientId && !record.revoked) {
        record.revoked = true;
        revoked += 1;
      }
    }
    for (const code of this.codes.values()) if (code.subdomain === subdomain && code.clientId === clientId) code.used = true;
    return revoked;
  }

  private async signAccess(grant: Grant, apiDomain: string, kind: AccessRecord['kind'], ttlSec: number): Promise<string> {
    const jti = randomUUID();
    const nowSec = Math.floor(this.now() / 1000);
    this.accessTokens.set(jti, { ...grant, jti, kind, expiresAt: this.now() + ttlSec * 1000, revoked: false });
    return new SignJWT({ account_id: grant.accountId, api_domain: apiDomain, base_domain: 'amocrm.ru', version: 2, scopes: ['crm', 'files', 'files_delete', 'notifications', 'push_notifications'] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setAudience(grant.clientId)
      .setSubject(String(grant.userId))
      .setJti(jti)
      .setIssuedAt(nowSec)
      .setNotBefore(nowSec)
      .setExpirationTime(nowSec + ttlSec)
      .sign(this.signingKey);
  }
}

function grantOf(record: Grant): Grant {
  return { subdomain: record.subdomain, accountId: record.accountId, userId: record.userId, clientId: record.clientId };
}
