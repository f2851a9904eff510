/**
 * One socket's catch-up requests, one at a time (server/realtime/sync-queue.ts, issue 13): a
 * request that comes while one is served waits; a newer one displaces it (answered superseded);
 * nothing is served for a socket that is gone.
 */
import { describe, expect, it } from 'vitest';
import { SUPERSEDED, SyncQueue } from '@server/realtime/sync-queue';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((r, j) => ((resolve = r), (reject = j)));
  return { promise, resolve, reject };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('SyncQueue', () => {
  it('serves one at a time; a newer request displaces the waiting one', async () => {
    const served: number[] = [];
    const pending: ReturnType<typeof deferred<string>>[] = [];
    const q = new SyncQueue<number, string>(
      (since) => {
        served.push(since);
        const d = deferred<string>();
        pending.push(d);
        return d.promise;
      },
      () => true,
    );
    const answers: unknown[] = [];
    q.push(1, (r) => answers.push(['1', r]));
    q.push(2, (r) => answers.push(['2', r]));
    q.push(3, (r) => answers.push(['3', r]));
    expect(served).toEqual([1]);
    expect(answers).toEqual([['2', { error: SUPERSEDED }]]);
    pending[0]!.resolve('a');
    await tick();
    expect(served).toEqual([1, 3]);
    pending[1]!.reject(new Error('service/unavailable'));
    await tick();
    expect(answers).toEqual([
      ['2', { error: SUPERSEDED }],
      ['1', 'a'],
      ['3', { error: 'service/unavailable' }],
    ]);
  });

  it('serves nothing for a socket that is gone', async () => {
    let alive = true;
    const served: number[] = [];
    const first = deferred<string>();
    const q = new SyncQueue<number, string>(
      (since) => (served.push(since), first.promise),
      () => alive,
    );
    q.push(1, () => undefined);
    q.push(2, () => undefined);
    alive = false;
    first.resolve('a');
    await tick();
    expect(served).toEqual([1]);
    q.push(3, () => undefined);
    expect(served).toEqual([1]);
  });
});
