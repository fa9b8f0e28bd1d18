import { http, HttpResponse } from 'msw';
import { FakeProxy } from './fake-proxy.js';
import { PROXY_URL } from './fixtures.js';

/** The fake every handler delegates to; `resetFakeProxy()` gives each test a fresh one. */
export let fakeProxy = new FakeProxy();

export function resetFakeProxy(): FakeProxy {
  fakeProxy = new FakeProxy();
  return fakeProxy;
}

export const handlers = [
  http.all(`${PROXY_URL}/api/widget/*`, async ({ request }) => {
    if (!request.headers.get('x-auth-token')) {
      return HttpResponse.json({ code: 'unauthorized', status: 401 }, { status: 401 });
    }
    const url = new URL(request.url);
    const text = await request.text();
    const answer = fakeProxy.handle({
      method: request.method,
      path: url.pathname,
      search: url.searchParams,
      headers: request.headers,
      body: text ? (JSON.parse(text) as unknown) : undefined,
    });
    if (answer.body === undefined) return new HttpResponse(null, { status: answer.status, headers: answer.headers ?? {} });
    const contentType = answer.status >= 400 ? 'application/problem+json' : 'application/json';
    return HttpResponse.json(answer.body, { status: answer.status, headers: { ...answer.headers, 'Content-Type': contentType } });
  }),
];
