import { userSchema, type User } from '../schemas/entities.js';
import type { AmoTransport } from '../transport.js';

/**
 * The account's users (amo-docs crm_platform/users-api, https://www.amocrm.ru/developers/content/crm_platform/users-api).
 * amoCRM answers these for an administrator's token only; the integration's token is the installing admin's.
 */
export class UsersApi {
  constructor(private readonly transport: AmoTransport) {}

  /** `GET /api/v4/users/{id}`; null when amoCRM answers 204 (no such user). */
  get(id: number): Promise<User | null> {
    if (!Number.isSafeInteger(id) || id <= 0) throw new RangeError('user id must be a positive integer');
    return this.transport.request({ method: 'GET', path: `/api/v4/users/${id}`, schema: userSchema });
  }
}
