import { z } from 'zod';
import { phoneDigits } from './buyer-search.js';

/** Bodies and query strings the till page sends; every one is parsed before anything else happens. */

const id = z.string().trim().min(1, 'пустой id').max(64);

const newBuyerSchema = z.object({
  name: z.string().trim().min(2, 'Укажите имя покупателя').max(255),
  phone: z
    .string()
    .trim()
    .refine((p) => /^[\d\s()+\-]+$/.test(p) && phoneDigits(p).length === 11 && phoneDigits(p).startsWith('7'), {
      message: 'Телефон в формате +7XXXXXXXXXX',
    }),
  discountCardNumber: z
    .string()
    .trim()
    .regex(/^\d{4,32}$/, 'Номер карты — от 4 до 32 цифр')
    .optional()
    .or(z.literal('').transform(() => undefined)),
});

const existingBuyerSchema = z.object({ id }).strict();

/**
 * `{id}` picks a known buyer, anything else is a new one. Choosing the schema by the presence of `id`
 * (instead of z.union) gives the cashier the real reason, e.g. the phone format, not "Invalid input".
 */
const buyerSchema = z.unknown().transform((value, ctx): z.infer<typeof existingBuyerSchema> | z.infer<typeof newBuyerSchema> => {
  const schema = typeof value === 'object' && value !== null && 'id' in value ? existingBuyerSchema : newBuyerSchema.strict();
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
});

export const saleRequestSchema = z.object({
  buyer: buyerSchema,
  positions: z
    .array(
      z.object({
        productId: id,
        quantity: z.number().int('Количество — целое число').min(1).max(999),
      }),
    )
    .min(1, 'Добавьте хотя бы один товар')
    .max(100),
  payWithPoints: z.number().int('Баллы — целое число').min(0).default(0),
});

export const returnRequestSchema = z.object({ saleId: id });

export const buyersQuerySchema = z.object({
  query: z.string().max(100).default(''),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const productsQuerySchema = z.object({
  query: z.string().max(100).default(''),
  folderId: z.string().max(64).optional().transform((v) => v || undefined),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const salesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

/** One readable line per problem, e.g. "positions.0.quantity: Количество — целое число". */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
