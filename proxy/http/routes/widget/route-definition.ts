import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { WidgetAuth } from '../../../services/widget-auth.js';
import type { ProblemCode } from '../problem-messages.js';

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export type RouteInput<P, Q, B> = { auth: WidgetAuth; params: Out<P>; query: Out<Q>; body: Out<B>; req: Request; res: Response };

/** What a handler answers: a status and (unless 202/204) a body matching `responses[status]`. */
export type RouteAnswer = { status: number; body?: unknown };

/**
 * One `/api/widget/*` route, described once: the router validates with these schemas and the OpenAPI
 * document is generated from the same object.
 */
export type WidgetRoute<P extends Schema | undefined = Schema | undefined, Q extends Schema | undefined = Schema | undefined, B extends Schema | undefined = Schema | undefined> = {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Express path, e.g. `/api/widget/customers/:amoCustomerId/card`. */
  path: string;
  operationId: string;
  summary: string;
  admin: boolean;
  params?: P;
  query?: Q;
  body?: B;
  /** Request headers the route needs besides X-Auth-Token (documented only; checked by the handler). */
  headers?: { name: string; required: boolean; description: string }[];
  success: { status: number; description: string; schema?: Schema };
  /**
   * A GET the widget polls: the answer carries a strong `ETag` over its body, and a request whose `If-None-Match`
   * names it is answered 304 without a body (the widget keeps what it shows).
   */
  conditional?: boolean;
  /** Problem codes this route may answer with (beyond the common auth/validation ones); their statuses come from `problemStatus`. */
  problems: ProblemCode[];
  handle(input: RouteInput<P, Q, B>): Promise<RouteAnswer>;
};

/** Keeps each route's handler typed by its own schemas while collecting routes in one list. */
export function defineRoute<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined>(
  route: WidgetRoute<P, Q, B>,
): WidgetRoute {
  return route as unknown as WidgetRoute;
}
