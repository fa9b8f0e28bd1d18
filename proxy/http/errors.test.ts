import express from 'express';
import { describe, expect, it } from 'vitest';
import { requestProblem } from './errors.js';

/** Runs body-parser on a fake request and returns the error it raised. */
async function parserError(parser: express.RequestHandler, body: string, headers: Record<string, string>): Promise<unknown> {
  const { Readable } = await import('node:stream');
  const req = Object.assign(Readable.from([Buffer.from(body)]), { headers: { 'content-length': String(Buffer.byteLength(body)), ...headers }, method: 'POST', url: '/' });
  return new Promise((resolve) => parser(req as never, {} as never, (error?: unknown) => resolve(error)));
}

describe('requestProblem', () => {
  it('names each body-parser failure with the status and stable code both error handlers answer', async () => {
    const json = express.json({ limit: 10 });
    expect(requestProblem(await parserError(json, '{"a":', { 'content-type': 'application/json' }))).toEqual({ status: 400, code: 'malformed_body' });
    expect(requestProblem(await parserError(json, '{"a":"0123456789"}', { 'content-type': 'application/json' }))).toEqual({ status: 413, code: 'body_too_large' });
    expect(requestProblem(await parserError(express.json(), '{}', { 'content-type': 'application/json', 'content-encoding': 'br-unknown' }))).toEqual({ status: 415, code: 'unsupported_media_type' });
    expect(requestProblem(await parserError(express.json(), '{}', { 'content-type': 'application/json; charset=koi8-x' }))).toEqual({ status: 415, code: 'unsupported_media_type' });
  });

  it('anything else is not a body problem (the caller answers 500 without details)', () => {
    expect(requestProblem(new Error('boom'))).toBeNull();
    expect(requestProblem(Object.assign(new Error('hidden'), { status: 404, expose: false }))).toBeNull();
    expect(requestProblem(null)).toBeNull();
  });
});
