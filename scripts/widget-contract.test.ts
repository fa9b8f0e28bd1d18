// The widget's contract types (widget/api/types.ts) are inferred from the proxy's route schemas with `import type`
// (the widget may not import proxy code at runtime); its msw fixtures and problem codes are its own. This test holds
// all of them to the proxy's validators: the zod schemas the routes answer with (the same ones /openapi.json is
// generated from) and the problem codes the proxy can send.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import en from '../i18n/en.json' with { type: 'json' };
import { problemMessages, problemStatus, type ProblemCode } from '../proxy/http/routes/problem-messages.js';
import * as proxy from '../proxy/http/routes/widget/schemas.js';
import { PROBLEM_CODES } from '../widget/api/problem-codes.js';
import type * as widget from '../widget/api/types.js';
import * as fixtures from '../widget/test-support/fixtures.js';
import { FakeProxy } from '../widget/test-support/fake-proxy.js';

/** `A & B` as one object type, so that type equality does not trip over the intersection. */
type Flat<T> = { [K in keyof T]: T[K] };

/** Parses with the proxy's schema; zod drops unknown keys, so equality also catches extra fields. */
function conforms(schema: z.ZodType, value: unknown): void {
  expect(schema.parse(value)).toEqual(value);
}

describe('widget ⇄ proxy contract', () => {
  it('the widget’s types are the proxy schemas’ outputs', () => {
    expectTypeOf<widget.WidgetStatus>().toEqualTypeOf<z.output<typeof proxy.statusView>>();
    expectTypeOf<widget.ConnectionResult>().toEqualTypeOf<z.output<typeof proxy.connectedView>>();
    expectTypeOf<widget.CardView>().toEqualTypeOf<z.output<typeof proxy.cardView>>();
    expectTypeOf<widget.PurchasePage>().toEqualTypeOf<z.output<typeof proxy.purchasePage>>();
    expectTypeOf<widget.BonusOperationPage>().toEqualTypeOf<z.output<typeof proxy.bonusOperationPage>>();
    expectTypeOf<widget.BonusResult>().toEqualTypeOf<z.output<typeof proxy.bonusResult>>();
    expectTypeOf<widget.BonusRequest>().toEqualTypeOf<z.input<typeof proxy.bonusBody>>();
    expectTypeOf<widget.ConnectionRequest>().toEqualTypeOf<z.input<typeof proxy.connectBody>>();
    expectTypeOf<widget.Settings>().toEqualTypeOf<z.input<typeof proxy.settingsSchema>>();
    expectTypeOf<widget.SettingsValues>().toEqualTypeOf<z.output<typeof proxy.settingsValues>>();
    expectTypeOf<Flat<widget.SettingsView>>().toEqualTypeOf<z.output<typeof proxy.settingsView>>();
    expectTypeOf<widget.SyncStatus>().toEqualTypeOf<z.output<typeof proxy.syncStatusView>>();
  });

  it('the msw fixtures are answers the proxy could give', () => {
    conforms(proxy.statusView, fixtures.connectedStatus());
    conforms(proxy.cardView, fixtures.cardView());
    conforms(proxy.cardView, fixtures.cardView({ import: { state: 'failed', done: 3, total: 9 } }));
    conforms(proxy.purchaseView, fixtures.purchase(3, { returned: true, pointsSpent: 5 }));
    conforms(proxy.bonusOperationView, fixtures.operation(4, { status: 'canceled', author: { amoUserId: 7, name: null } }));
    conforms(proxy.settingsView, fixtures.settingsView());
    conforms(proxy.syncStatusView, fixtures.syncStatus());
  });

  it('the fake proxy answers problems with the proxy’s codes and problem shape', () => {
    const fake = new FakeProxy();
    fake.cards.clear();
    const request = (method: string, path: string, body?: unknown) =>
      fake.handle({ method, path, search: new URLSearchParams(), headers: new Headers({ 'accept-language': 'en' }), body });
    const answers = [
      request('POST', '/api/widget/connection', { login: 'admin@shop', password: 'wrong' }),
      request('GET', `/api/widget/customers/${fixtures.CUSTOMER_ID}/card`),
    ];
    fake.importing = { state: 'running', done: 40, total: 100 };
    const importing = request('GET', `/api/widget/customers/${fixtures.CUSTOMER_ID}/card`);
    answers.push(importing);
    expect(proxy.cardImportView.parse((importing.body as { import: unknown }).import)).toEqual(fake.importing);
    fake.importing = null;
    fake.status = fixtures.connectedStatus({ connected: false, moysklad: { state: 'needs_reauth' } });
    answers.push(request('GET', `/api/widget/customers/${fixtures.CUSTOMER_ID}/card`));
    fake.status = fixtures.connectedStatus({ connected: false, moysklad: { state: 'not_connected' } });
    answers.push(request('GET', `/api/widget/customers/${fixtures.CUSTOMER_ID}/card`));
    for (const answer of answers) {
      const problem = proxy.problemSchema.parse(answer.body);
      expect(Object.keys(problemMessages)).toContain(problem.code);
      expect(answer.status).toBe(problem.status);
      // …with the status the proxy gives that code (one table at the proxy's edge).
      expect(problem.status, problem.code).toBe(problemStatus[problem.code as ProblemCode]);
    }
  });

  it('every problem code the widget acts on or has words for is one the proxy sends', () => {
    const proxyCodes = Object.keys(problemMessages);
    for (const code of Object.values(PROBLEM_CODES)) expect(proxyCodes).toContain(code);
    // errors.* in the locale files: the proxy's codes, plus the widget's own words for answers without one.
    const own = ['generic', 'network_error', 'unexpected_response', 'forbidden'];
    for (const key of Object.keys(en.errors).filter((key) => !own.includes(key))) expect(proxyCodes, `errors.${key}`).toContain(key);
  });
});
