import type { Request } from 'express';
import { z } from 'zod';
import { readCookies } from './request-preferences.js';
import type { HostAccount } from './types.js';

// When no `account` option is given, the host takes the account the amoCRM emulator resolved for
// the request (`res.locals.amoAccount`). The page acts as one of its users: `?user=<id>` (then a
// cookie) picks which, else the first administrator — handy to see the widget as a manager.

const USER_COOKIE = 'amo_host_user';

const emulatorAccountSchema = z.object({
  id: z.number().int(),
  subdomain: z.string().min(1),
  name: z.string(),
  users: z.array(z.object({ id: z.number().int(), name: z.string(), isAdmin: z.boolean() })).min(1),
});

export function accountFromEmulator(amoAccount: unknown, req: Request): { account: HostAccount; rememberUser: number | null } | null {
  const parsed = emulatorAccountSchema.safeParse(amoAccount);
  if (!parsed.success) return null;
  const { users } = parsed.data;
  const queryUser = typeof req.query.user === 'string' ? Number(req.query.user) : NaN;
  const cookieUser = Number(readCookies(req.headers.cookie)[USER_COOKIE]);
  const chosen =
    users.find((u) => u.id === queryUser) ?? users.find((u) => u.id === cookieUser) ?? users.find((u) => u.isAdmin) ?? users[0]!;
  return {
    account: {
      id: parsed.data.id,
      subdomain: parsed.data.subdomain,
      name: parsed.data.name,
      currentUser: { id: chosen.id, name: chosen.name, isAdmin: chosen.isAdmin, email: `user${chosen.id}@${parsed.data.subdomain}.example.com` },
    },
    rememberUser: chosen.id === queryUser ? chosen.id : null,
  };
}

export const USER_COOKIE_NAME = USER_COOKIE;
