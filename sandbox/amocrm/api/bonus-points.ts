import express, { Router } from 'express';
import { z } from 'zod';
import { parseSingle } from '../http/batch.js';
import { accountOf } from './context.js';
import { customerFromPath } from './customer-lookup.js';

/**
 * `POST /customers/{id}/bonus_points` with exactly one of `{earn}` / `{redeem}` → `{bonus_points}` (balance after).
 * amoCRM offers no GET for the balance; redeeming more than the balance is rejected here (real rule unconfirmed).
 */

const bonusSchema = z.looseObject({ earn: z.number().int().positive().optional(), redeem: z.number().int().positive().optional() });

export function bonusPointsRouter(): Router {
  const router = Router();
  router.post('/customers/:customerId/bonus_points', express.json(), (req, res) => {
    const account = accountOf(res);
    const customer = customerFromPath(req, res);
    const balance = account.bonusPoints.get(customer.id) ?? 0;
    const body = parseSingle(req.body, bonusSchema, (op) => {
      if (op.earn !== undefined && op.redeem !== undefined) return [{ code: 'InvalidValue', path: 'earn', detail: 'Pass either earn or redeem; passing both is forbidden' }];
      if (op.earn === undefined && op.redeem === undefined) return [{ code: 'NotBlank', path: 'earn', detail: 'One of earn or redeem is required' }];
      if (op.redeem !== undefined && op.redeem > balance) return [{ code: 'InvalidValue', path: 'redeem', detail: `Not enough points: balance ${balance}` }];
      return [];
    });
    const next = body.earn !== undefined ? balance + body.earn : balance - (body.redeem ?? 0);
    account.bonusPoints.set(customer.id, next);
    res.status(200).json({ bonus_points: next });
  });
  return router;
}
