import { createHash } from 'node:crypto';
import { MoySkladUserLimiter, type UserLimiterOptions } from './user-limiter.js';

/**
 * One limiter per МойСклад user for the whole process. МойСклад counts limits per user (11 requests / 3 s and
 * 5 in parallel since 2026), so the widget's routes and the sync's jobs acting as the same user must share one
 * limiter, or together they would overrun it. A connection's token stands for its user (a new token revokes the
 * user's earlier ones); it is keyed by a hash, so the registry never holds the token itself.
 */
export class MoySkladUserLimiters {
  private readonly byUser = new Map<string, MoySkladUserLimiter>();

  constructor(private readonly options: UserLimiterOptions = {}) {}

  forToken(token: string): MoySkladUserLimiter {
    const key = createHash('sha256').update(token).digest('hex');
    let limiter = this.byUser.get(key);
    if (!limiter) {
      limiter = new MoySkladUserLimiter(this.options);
      this.byUser.set(key, limiter);
    }
    return limiter;
  }
}
