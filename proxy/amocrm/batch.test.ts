import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { runBatch } from './batch.js';
import { AmoError, AmoValidationError } from './errors.js';
import { AMO_BASE, problem } from './test-support/fake-amocrm.js';
import { testAmoClient, useFakeAmoCrm } from './test-support/msw-setup.js';

const ctx = useFakeAmoCrm();
const buyers = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `Покупатель ${i}` }));

describe('batch writes', () => {
  it('chunks at 50 by default, tags request_id, and returns results in input order', async () => {
    const outcome = await (await testAmoClient()).customers.createBatch(buyers(120));
    const posts = ctx.fake.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => (r.body as unknown[]).length)).toEqual([50, 50, 20]);
    expect((posts[1]!.body as Array<{ request_id: string }>)[0]!.request_id).toBe('50');
    expect(outcome.done).toHaveLength(120);
    expect(outcome.done[119]!.item.name).toBe('Покупатель 119');
    expect(new Set(outcome.done.map((d) => d.result.id)).size).toBe(120);
  });

  it('504 → halves the batch and retries the halves until they fit', async () => {
    const sizes: number[] = [];
    ctx.server.use(
      http.post(`${AMO_BASE}/api/v4/customers`, async ({ request }) => {
        const body = (await request.clone().json()) as unknown[];
        sizes.push(body.length);
        if (body.length > 12) return new HttpResponse('<html>504 Gateway Time-out</html>', { status: 504 });
        return undefined; // fall through to the fake
      }),
    );
    const outcome = await (await testAmoClient()).customers.createBatch(buyers(50));
    expect(sizes).toEqual([50, 25, 13, 7, 6, 12, 25, 13, 7, 6, 12]);
    expect(outcome.done).toHaveLength(50);
    expect(ctx.fake.table('customers')).toHaveLength(50);
  });

  it('a single item that keeps timing out is surfaced, not split forever', async () => {
    ctx.server.use(http.post(`${AMO_BASE}/api/v4/customers`, () => new HttpResponse(null, { status: 504 })));
    const error = (await (await testAmoClient()).customers.createBatch(buyers(2)).catch((e: unknown) => e)) as AmoError;
    expect(error.status).toBe(504);
  });

  it('maps validation-errors back to our items by request_id', async () => {
    ctx.server.use(
      http.post(`${AMO_BASE}/api/v4/customers`, () =>
        problem(400, 'Bad Request', { detail: 'Request validation failed', 'validation-errors': [{ request_id: 'ms-b', errors: [{ code: 'NotSupportedChoice', path: 'custom_fields_values.0.field_id', detail: 'The value you selected is not a valid choice.' }] }] }),
      ),
    );
    const items = [{ name: 'A', request_id: 'ms-a' }, { name: 'B', request_id: 'ms-b' }];
    const error = (await (await testAmoClient()).customers.createBatch(items).catch((e: unknown) => e)) as AmoValidationError<{ name: string }>;
    expect(error).toBeInstanceOf(AmoValidationError);
    expect(error.items).toEqual([{ requestId: 'ms-b', item: items[1], errors: [{ code: 'NotSupportedChoice', path: 'custom_fields_values.0.field_id', detail: 'The value you selected is not a valid choice.' }] }]);
  });

  it('skipInvalid drops the rejected items and writes the rest', async () => {
    let calls = 0;
    ctx.server.use(
      http.post(`${AMO_BASE}/api/v4/customers`, async ({ request }) => {
        calls += 1;
        const body = (await request.clone().json()) as Array<{ name: string; request_id: string }>;
        const bad = body.filter((item) => item.name === '');
        if (bad.length) return problem(400, 'Bad Request', { 'validation-errors': bad.map((item) => ({ request_id: item.request_id, errors: [{ code: 'NotBlank', path: 'name', detail: 'empty' }] })) });
        return undefined;
      }),
    );
    const outcome = await (await testAmoClient()).customers.createBatch([{ name: 'A' }, { name: '' }, { name: 'C' }], { skipInvalid: true });
    expect(outcome.done.map((d) => d.item.name)).toEqual(['A', 'C']);
    expect(outcome.rejected.map((r) => r.item)).toEqual([{ name: '' }]);
    expect(calls).toBe(2);
  });

  it('rejects bad batch sizes and duplicate request ids', async () => {
    await expect(runBatch([{}], async () => [], { batchSize: 251 })).rejects.toThrow(RangeError);
    await expect(runBatch([{ request_id: 'x' }, { request_id: 'x' }], async () => [])).rejects.toThrow(/unique/);
  });
});
