import express, { type Router } from 'express';
import { z } from 'zod';
import type { WidgetRoute } from './routes/widget/route-definition.js';
import { problemStatus, type ProblemCode } from './routes/problem-messages.js';
import { problemSchema } from './routes/widget/schemas.js';

/**
 * OpenAPI 3.1 document of the widget API, generated from the same route list and zod schemas the
 * router validates with (zod 4's `z.toJSONSchema`), served at `GET /openapi.json`.
 */

type JsonSchema = Record<string, unknown>;

const COMMON_PROBLEMS: Record<number, string> = {
  400: 'Invalid params, query or body (`validation_failed`, `malformed_body`)',
  401: 'Missing, invalid, expired or replayed X-Auth-Token (`token_missing`, `token_invalid`, `token_expired`, `token_replayed`)',
  413: 'Body too large (`body_too_large`)',
  500: 'Internal error (`internal_error`)',
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** `/customers/:amoCustomerId/card` → `/customers/{amoCustomerId}/card` */
export function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(route: WidgetRoute): JsonSchema[] {
  const list: JsonSchema[] = [];
  for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
    if (!schema) continue;
    const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      list.push({ name, in: where, required: where === 'path' || (object.required ?? []).includes(name), schema: property });
    }
  }
  if (route.conditional) {
    list.push({ name: 'If-None-Match', in: 'header', required: false, description: 'The ETag of the answer shown now: 304 while it is still current', schema: { type: 'string', maxLength: 100 } });
  }
  for (const header of route.headers ?? []) {
    list.push({ name: header.name, in: 'header', required: header.required, description: header.description, schema: { type: 'string', maxLength: 100 } });
  }
  return list;
}

function responses(route: WidgetRoute): JsonSchema {
  const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
  const out: Record<string, JsonSchema> = {
    [route.success.status]: route.success.schema
      ? { description: route.success.description, content: { 'application/json': { schema: jsonSchema(route.success.schema, 'output') } } }
      : { description: route.success.description },
  };
  if (route.conditional) {
    const success = out[route.success.status];
    if (success) success.headers = { ETag: { description: 'Strong tag over the body; send it back in If-None-Match', schema: { type: 'string' } } };
    out[304] = { description: 'Not modified: `If-None-Match` names the current ETag (no body)' };
  }
  for (const [status, description] of Object.entries(COMMON_PROBLEMS)) out[status] = { description, content: problem };
  if (route.admin) out[403] = { description: 'Not an account administrator (`admin_required`)', content: problem };
  if (route.body) out[415] = { description: 'Body is not JSON (`unsupported_media_type`)', content: problem };
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of route.problems) byStatus.set(problemStatus[code], [...(byStatus.get(problemStatus[code]) ?? []), code]);
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const earlier = out[status]?.description;
    const own = codes.map((code) => `\`${code}\``).join(', ');
    out[status] = { description: earlier ? `${earlier}; ${own}` : own, content: problem };
  }
  return out;
}

export function buildOpenApiDocument(routes: readonly WidgetRoute[], info: { version: string; serverUrl?: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.admin ? { description: 'Account administrators only (the token’s `is_admin`).' } : {}),
      security: [{ amoDisposableToken: [] }],
      parameters: parameters(route),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
      responses: responses(route),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'МойСклад for amoCRM — widget API',
      version: info.version,
      description: 'Called by the amoCRM widget with `$authorizedAjax`. Account and user come from the X-Auth-Token only. Errors are RFC 9457 problem+json with a stable `code`. Money is integer kopecks.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    paths,
    components: {
      securitySchemes: {
        amoDisposableToken: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Auth-Token',
          description: 'amoCRM disposable token: HS256 JWT signed with the integration secret; reusable for reads within its lifetime, single use on state-changing calls.',
        },
      },
      schemas: { Problem: jsonSchema(problemSchema, 'output') },
    },
  };
}

/** `GET /openapi.json`, built once (the route list does not change while the process runs). */
export function createOpenApiRouter(routes: readonly WidgetRoute[], info: { version: string; serverUrl?: string }): Router {
  const document = JSON.stringify(buildOpenApiDocument(routes, info));
  const router = express.Router();
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').setHeader('Access-Control-Allow-Origin', '*');
    res.send(document);
  });
  return router;
}
