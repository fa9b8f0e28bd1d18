import { describe, expect, it } from 'vitest';
import { BackgroundTasks } from './background-tasks.js';

describe('BackgroundTasks', () => {
  it('settles only when nothing is pending, including work started while waiting', async () => {
    const tasks = new BackgroundTasks();
    const done: string[] = [];
    tasks.track(
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        done.push('first');
        tasks.track((async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          done.push('second');
        })());
      })(),
    );
    expect(tasks.size).toBe(1);
    await tasks.settle();
    expect(done).toEqual(['first', 'second']);
    expect(tasks.size).toBe(0);
  });

  it('a failing task does not stop settle from waiting for the others', async () => {
    const tasks = new BackgroundTasks();
    let finished = false;
    tasks.track(Promise.reject(new Error('handled elsewhere')).catch(() => undefined));
    tasks.track(new Promise((resolve) => setTimeout(resolve, 5)).then(() => void (finished = true)));
    await tasks.settle();
    expect(finished).toBe(true);
  });
});
