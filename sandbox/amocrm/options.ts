import { z } from 'zod';

/** Options of the amoCRM emulator, validated once in the constructor. */

export const customersModeSchema = z.enum(['segments', 'periodicity', 'disabled', 'unavailable']);
export type CustomersMode = z.infer<typeof customersModeSchema>;

export const userSchema = z.object({
  id: z.number().int().positive(),
  name: z.string().min(1),
  isAdmin: z.boolean(),
});
export type AccountUser = z.infer<typeof userSchema>;

export const accountOptionsSchema = z.object({
  id: z.number().int().positive(),
  subdomain: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'subdomain: lower-case latin letters, digits and dashes'),
  name: z.string().min(1).optional(),
  customersMode: customersModeSchema.default('disabled'),
  users: z.array(userSchema).min(1),
});
export type AccountOptions = z.input<typeof accountOptionsSchema>;

const integrationSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  redirectUri: z.url(),
  revokeHookUrl: z.url().optional(),
  /** Code of the widget uploaded into this integration (GET /api/v4/widgets/{code}). */
  widgetCode: z.string().min(1).default('moysklad'),
});

const DEFAULT_ACCOUNT = {
  id: 31000001,
  subdomain: 'demo',
  name: 'Демо-аккаунт',
  // Customers start disabled: the product has to switch them on via PATCH /api/v4/customers/mode.
  customersMode: 'disabled',
  users: [
    { id: 5000001, name: 'Анна Админова', isAdmin: true },
    { id: 5000002, name: 'Михаил Менеджеров', isAdmin: false },
  ],
} as const satisfies AccountOptions;

export const emulatorOptionsSchema = z.object({
  integration: integrationSchema,
  accounts: z.array(accountOptionsSchema).min(1).default([DEFAULT_ACCOUNT]),
  rateLimit: z
    .object({
      perSecond: z.number().int().positive().default(7),
      // How many 429s within one minute turn into the 403 block. The real threshold is not published.
      blockAfterViolations: z.number().int().positive().default(10),
    })
    .default({ perSecond: 7, blockAfterViolations: 10 }),
  /** Multiplies every duration the emulator measures or waits for (rate windows, hook timeouts). 0.01 = 100× faster. */
  timeScale: z.number().positive().default(1),
  accessTokenTtlSec: z.number().int().positive().default(86_400),
  refreshTokenTtlSec: z.number().int().positive().default(90 * 86_400),
  authorizationCodeTtlSec: z.number().int().positive().default(20 * 60),
  now: z.custom<() => number>((v) => typeof v === 'function', 'now must be a function returning epoch ms').optional(),
});

export type AmoCrmEmulatorOptions = z.input<typeof emulatorOptionsSchema>;
export type ResolvedOptions = z.output<typeof emulatorOptionsSchema>;
