import type { Request, Response } from 'express';
import { ApiProblem } from '../http/problem.js';
import type { CustomerRecord } from '../state/types.js';
import { accountOf, idParam } from './context.js';

/** The customer named by `:customerId`; writes to a missing customer are 404 (reads answer 204 themselves). */
export function customerFromPath(req: Request, res: Response): CustomerRecord {
  const id = idParam(req, 'customerId');
  const customer = id === null ? undefined : accountOf(res).customers.get(id);
  if (!customer || customer.is_deleted) throw new ApiProblem(404, 'Not Found', `Customer ${req.params['customerId']} not found`);
  return customer;
}
