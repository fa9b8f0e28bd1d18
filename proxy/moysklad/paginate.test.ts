import { describe, expect, it } from 'vitest';
import { MoySkladError } from './errors.js';
import { collect } from './paginate.js';
import { MS_BASE } from './test-support/fake-moysklad.js';
import { testClient, useFakeMoySklad } from './test-support/msw-setup.js';
import { http, HttpResponse } from 'msw';

const ctx = useFakeMoySklad();

describe('pagination', () => {
  it('walks thousands of rows through meta.nextHref, 1000 per page, each row once', async () => {
    for (let i = 0; i < 3500; i += 1) ctx.fake.insert('counterparty', { id: `c${i}`, name: `Buyer ${i}`, companyType: 'individual' });
    const ids = (await collect(testClient().counterparties.iterateIndividuals())).map((row) => row.id);
    expect(ids).toHaveLength(3500);
    expect(new Set(ids).size).toBe(3500);
    const pageRequests = ctx.fake.requests.filter((r) => r.url.pathname.endsWith('/entity/counterparty'));
    expect(pageRequests.map((r) => r.url.searchParams.get('offset'))).toEqual([null, '1000', '2000', '3000']);
    expect(pageRequests[0]!.url.searchParams.get('limit')).toBe('1000');
    expect(pageRequests[0]!.url.searchParams.get('filter')).toBe('companyType=individual');
  });

  it('uses 100 per page with expand (a larger limit would silently drop the expansion)', async () => {
    for (let i = 0; i < 250; i += 1) ctx.fake.insert('product', { id: `p${i}`, name: `P${i}` });
    const rows = await collect(testClient().catalog.iterateProducts({ expand: 'productFolder' }));
    expect(rows).toHaveLength(250);
    const limits = ctx.fake.requests.map((r) => r.url.searchParams.get('limit'));
    expect(limits).toEqual(['100', '100', '100']);
  });

  it('fetches lazily: breaking out of the loop stops the requests', async () => {
    for (let i = 0; i < 2500; i += 1) ctx.fake.insert('product', { id: `p${i}`, name: `P${i}` });
    for await (const product of testClient().catalog.iterateProducts()) if (product.id === 'p10') break;
    expect(ctx.fake.requests).toHaveLength(1);
  });

  it('refuses a server that returns the same nextHref forever', async () => {
    ctx.server.use(
      http.get(`${MS_BASE}/entity/productfolder`, () =>
        HttpResponse.json({ meta: { href: `${MS_BASE}/entity/productfolder`, size: 5, limit: 1, offset: 0, nextHref: `${MS_BASE}/entity/productfolder?offset=1` }, rows: [{ meta: { href: `${MS_BASE}/entity/productfolder/f`, type: 'productfolder' }, id: 'f', name: 'F' }] }),
      ),
    );
    await expect(collect(testClient().catalog.iterateFolders())).rejects.toBeInstanceOf(MoySkladError);
  });
});
