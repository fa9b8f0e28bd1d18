import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJobHandler } from './queue/worker.js';
import { combineModules } from './compose.js';

describe('combineModules', () => {
  it('keeps routes in order, merges job handlers, starts in order and stops in reverse', async () => {
    const calls: string[] = [];
    const route = (name: string) => () => void calls.push(`route ${name}`);
    const handler = defineJobHandler(z.object({}), async () => undefined);
    const combined = combineModules([
      { routes: [route('a')], jobHandlers: { 'a.job': handler }, start: () => void calls.push('start a'), stop: () => void calls.push('stop a') },
      { routes: [route('b')], jobHandlers: { 'b.job': handler }, start: () => void calls.push('start b'), stop: () => void calls.push('stop b') },
      {},
    ]);
    expect(Object.keys(combined.jobHandlers ?? {})).toEqual(['a.job', 'b.job']);
    for (const register of combined.routes ?? []) register({} as never);
    await combined.start?.();
    await combined.stop?.();
    expect(calls).toEqual(['route a', 'route b', 'start a', 'start b', 'stop b', 'stop a']);
  });

  it('refuses two modules handling the same job kind', () => {
    const handler = defineJobHandler(z.object({}), async () => undefined);
    expect(() => combineModules([{ jobHandlers: { 'sync.entity': handler } }, { jobHandlers: { 'sync.entity': handler } }])).toThrow(/sync\.entity/);
  });

  it('stops every module even when one fails, then reports the failure', async () => {
    const stopped: string[] = [];
    const combined = combineModules([
      { stop: () => void stopped.push('a') },
      {
        stop: () => {
          throw new Error('b broke');
        },
      },
    ]);
    await expect(combined.stop?.()).rejects.toThrow(/failed to stop/);
    expect(stopped).toEqual(['a']);
  });
});
