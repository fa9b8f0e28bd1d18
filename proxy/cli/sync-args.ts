import { parseArgs } from 'node:util';
import { z } from 'zod';

export const USAGE = 'usage: npm run sync -- --account <amoCRM account id> [--full | --unblock-amocrm]';

const argsSchema = z.object({
  account: z
    .string({ error: '--account is required' })
    .regex(/^\d{1,15}$/, '--account must be a positive integer (the amoCRM account id)')
    .transform(Number)
    .pipe(z.number().int().positive('--account must be a positive integer (the amoCRM account id)')),
  full: z.boolean().default(false),
  /** Clear the account's amoCRM block (after a 403) instead of syncing: amoCRM support has lifted it. */
  unblockAmocrm: z.boolean().default(false),
}).refine((args) => !(args.full && args.unblockAmocrm), { message: '--full and --unblock-amocrm do not go together' });

type SyncArgs = z.infer<typeof argsSchema>;

/** Flags of `npm run sync`; unknown flags and stray arguments are errors, not silently ignored. */
export function parseSyncArgs(argv: readonly string[]): { ok: true; args: SyncArgs } | { ok: false; message: string } {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { account: { type: 'string' }, full: { type: 'boolean' }, 'unblock-amocrm': { type: 'boolean' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    return { ok: false, message: `${error instanceof Error ? error.message : String(error)}\n${USAGE}` };
  }
  const parsed = argsSchema.safeParse({ account: values.account, full: values.full, unblockAmocrm: values['unblock-amocrm'] });
  if (!parsed.success) return { ok: false, message: `${parsed.error.issues.map((issue) => issue.message).join('; ')}\n${USAGE}` };
  return { ok: true, args: parsed.data };
}
