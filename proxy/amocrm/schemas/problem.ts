import { z } from 'zod';

/** application/problem+json, with amoCRM's `validation-errors` for batch items. */
const validationItemSchema = z.looseObject({
  request_id: z.union([z.string(), z.number()]).transform(String),
  errors: z.array(z.looseObject({ code: z.string().optional(), path: z.string().optional(), detail: z.string().optional() })),
});

export const problemSchema = z.looseObject({
  title: z.string().optional(),
  type: z.string().optional(),
  status: z.number().optional(),
  detail: z.string().optional(),
  hint: z.string().optional(),
  'validation-errors': z.array(validationItemSchema).optional(),
});
export type Problem = z.infer<typeof problemSchema>;
