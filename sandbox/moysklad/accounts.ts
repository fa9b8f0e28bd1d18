import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError } from './api-error.js';
import type { SandboxUser } from './options.js';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const authError = (detail: string) =>
  new ApiError(401, 1056, `Ошибка аутентификации: ${detail}`, {
    headers: { 'X-Lognex-Auth': '1056', 'X-Lognex-Auth-Message': encodeURIComponent(detail) },
  });

/** Users and their bearer tokens. A new token revokes the user's earlier ones, like /security/token. */
export class Accounts {
  private readonly tokens = new Map<string, string>(); // token → login

  constructor(readonly users: SandboxUser[]) {}

  private byBasic(encoded: string): SandboxUser {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw authError('неверный формат заголовка Authorization');
    const login = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const user = this.users.find((u) => u.login === login);
    if (!user || !sameSecret(user.password, password)) throw authError('неправильный пароль или имя пользователя');
    return user;
  }

  /** Resolves `Authorization: Basic …` or `Bearer …` to a user, or throws 401/1056. */
  authenticate(header: string | undefined): { user: SandboxUser; scheme: 'basic' | 'bearer' } {
    const [scheme = '', value = ''] = (header ?? '').split(' ', 2);
    if (scheme.toLowerCase() === 'basic') return { user: this.byBasic(value), scheme: 'basic' };
    if (scheme.toLowerCase() === 'bearer') {
      const login = this.tokens.get(value);
      const user = login === undefined ? undefined : this.users.find((u) => u.login === login);
      if (!user) throw authError('токен недействителен или отозван');
      return { user, scheme: 'bearer' };
    }
    throw authError('не указаны учётные данные');
  }

  issueToken(user: SandboxUser): string {
    for (const [token, login] of this.tokens) if (login === user.login) this.tokens.delete(token);
    const token = randomBytes(20).toString('hex');
    this.tokens.set(token, user.login);
    return token;
  }

  /** Sandbox helper: revoke every token of a user (e.g. to simulate a password change). */
  revokeTokens(login: string): void {
    for (const [token, owner] of this.tokens) if (owner === login) this.tokens.delete(token);
  }
}
