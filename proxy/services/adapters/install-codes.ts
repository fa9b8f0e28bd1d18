import { createHash } from 'node:crypto';
import type { SeenEventsRepository } from '../../db/repositories/seen-events.js';
import type { InstallCodesPort } from '../ports.js';

/** amoCRM's authorization code lives 20 minutes (https://www.amocrm.ru/developers/content/oauth/step-by-step). */
const CODE_LIFETIME_MS = 20 * 60_000;
const SOURCE = 'amocrm_install_code';

/**
 * Install codes seen by any process (the `seen_events` table). Only a hash is stored: the code is a credential until
 * it is exchanged or expires.
 */
export class InstallCodesAdapter implements InstallCodesPort {
  constructor(private readonly seenEvents: SeenEventsRepository) {}

  firstUse(code: string): Promise<boolean> {
    return this.seenEvents.markSeen(SOURCE, 0, createHash('sha256').update(code).digest('hex'), CODE_LIFETIME_MS);
  }
}
