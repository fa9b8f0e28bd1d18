import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toOpenApiPath } from './openapi.js';
import { startHarness, type Harness } from './routes/widget/test-harness.js';

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };

/** Every route registered on the app (our routers are mounted without a prefix, so paths are complete). */
function registeredRoutes(app: Express): { method: string; path: string }[] {
  const found: { method: string; path: string }[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') found.push({ method, path: layer.route.path });
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found;
}

describe('GET /openapi.json', () => {
  let h: Harness;
  let doc: any;
  beforeAll(async () => {
    h = await startHarness('sqlite');
    const response = await fetch(`${h.base}/openapi.json`);
    expect(response.status).toBe(200);
    doc = await response.json();
  });
  afterAll(async () => h?.close());

  it('is OpenAPI 3.1 with the X-Auth-Token api key scheme', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.amoDisposableToken).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Auth-Token' }));
  });

  it('documents every registered /api/widget route, secured, with its problem answers', () => {
    const widgetRoutes = registeredRoutes(h.app).filter((r) => r.path.startsWith('/api/widget'));
    expect(widgetRoutes.length).toBeGreaterThanOrEqual(10);
    for (const { method, path } of widgetRoutes) {
      const operation = doc.paths[toOpenApiPath(path)]?.[method];
      expect(operation, `${method.toUpperCase()} ${path}`).toBeDefined();
      expect(operation.security).toEqual([{ amoDisposableToken: [] }]);
      expect(operation.responses['401'].content['application/problem+json']).toBeDefined();
    }
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m} ${path}`));
    expect(documented.sort()).toEqual(widgetRoutes.map((r) => `${r.method} ${toOpenApiPath(r.path)}`).sort());
  });

  it('the schemas are the validators: bonus body bounds, Idempotency-Key header and CardView shape', () => {
    const bonus = doc.paths['/api/widget/customers/{amoCustomerId}/bonus'].post;
    const body = bonus.requestBody.content['application/json'].schema;
    expect(body.properties.amount).toMatchObject({ type: 'integer', minimum: 1, maximum: 100000 });
    expect(body.properties.operation.enum).toEqual(['accrue', 'redeem']);
    expect(bonus.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }), expect.objectContaining({ name: 'amoCustomerId', in: 'path', required: true })]));
    expect(bonus.responses['422'].description).toContain('bonus_max_balance_exceeded');
    const cardGet = doc.paths['/api/widget/customers/{amoCustomerId}/card'].get;
    const card = cardGet.responses['200'].content['application/json'].schema;
    expect(Object.keys(card.properties).sort()).toEqual(['bonusCard', 'bounds', 'customer', 'nextCursor', 'operations', 'operationsCursor', 'points', 'program', 'purchaseCount', 'purchaseTotalKopecks', 'purchases', 'referralLink'].sort());
    // The card is polled conditionally: documented ETag, If-None-Match and 304.
    expect(cardGet.responses['200'].headers.ETag).toBeDefined();
    expect(cardGet.responses['304'].description).toContain('If-None-Match');
    expect(cardGet.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'If-None-Match', in: 'header', required: false })]));
    expect(cardGet.responses['409'].description).toContain('not_connected');
    expect(doc.paths['/api/widget/connection'].post.responses['403'].description).toContain('admin_required');
  });
});
