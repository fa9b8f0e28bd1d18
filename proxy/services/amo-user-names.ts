/** What the cache needs of an account's amoCRM client (`AmoClient['users']`). */
export type AmoUsersReader = { users: { get(id: number): Promise<{ name: string } | null> } };

export type AmoUserNamesOptions = {
  /** The account's amoCRM client; may throw (widget not installed, tokens lost): the name is then unknown. */
  client: (accountId: number) => Promise<AmoUsersReader>;
  now?: () => number;
  /** How long a name is trusted: users are rarely renamed, and each lookup spends the account's 7 rps. */
  ttlMs?: number;
  /** How long "unknown" is remembered, so an unreachable amoCRM does not slow every operation. */
  failureTtlMs?: number;
  /** The longest an operation waits for a name; a late answer still fills the cache. */
  timeoutMs?: number;
  log?: { warn(details: object, message: string): void };
};

/** What a service needs of the names (tests give a fake). */
export type AmoUserNameLookup = Pick<AmoUserNames, 'nameOf'>;

type Entry = { name: string | null; until: number };

/**
 * amoCRM user names (GET /api/v4/users/{id}), cached per account in this process. Concurrent lookups of one user
 * share a request. A name that cannot be had in `timeoutMs` is null for the caller, who then shows the user id.
 */
export class AmoUserNames {
  private readonly cache = new Map<number, Map<number, Entry>>();
  private readonly pending = new Map<string, Promise<string | null>>();
  private readonly now: () => number;

  constructor(private readonly options: AmoUserNamesOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * The full name of an amoCRM user of this account, for notes and МойСклад descriptions people can read; null when
   * amoCRM cannot tell it right now (not installed, unreachable, slow). Never throws: a name is worth little delay.
   */
  async nameOf(accountId: number, userId: number): Promise<string | null> {
    const cached = this.cache.get(accountId)?.get(userId);
    if (cached && cached.until > this.now()) return cached.name;
    const key = `${accountId}:${userId}`;
    let lookup = this.pending.get(key);
    if (!lookup) {
      lookup = this.fetch(accountId, userId).finally(() => this.pending.delete(key));
      this.pending.set(key, lookup);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), this.options.timeoutMs ?? 3_000);
    });
    try {
      return await Promise.race([lookup, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async fetch(accountId: number, userId: number): Promise<string | null> {
    let name: string | null = null;
    let ttl = this.options.ttlMs ?? 60 * 60_000;
    try {
      const user = await (await this.options.client(accountId)).users.get(userId);
      name = user?.name.trim() || null;
    } catch (error) {
      ttl = this.options.failureTtlMs ?? 60_000;
      this.options.log?.warn({ accountId, userId, err: error instanceof Error ? error.message : String(error) }, 'amoCRM user name lookup failed');
    }
    let account = this.cache.get(accountId);
    if (!account) this.cache.set(accountId, (account = new Map()));
    account.set(userId, { name, until: this.now() + ttl });
    return name;
  }
}
