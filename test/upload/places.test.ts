/**
 * runInPlaces on its own: the order of starts, the two limits (sending, and started but not
 * ended), an empty list, a stop signal, and a run that rejects.
 */
import { describe, expect, it } from 'vitest';
import { leavesPlace, runInPlaces } from '../../src/upload/places.js';
import type { UploadPhase } from '../../src/upload/types.js';

/** A run whose sending and waiting end when the test says so. */
interface Controlled {
  readonly item: number;
  send(): void;
  end(): void;
}

function harness(): {
  runs: Controlled[];
  started: number[];
  run: (item: number, sent: () => void) => Promise<void>;
} {
  const runs: Controlled[] = [];
  const started: number[] = [];
  return {
    runs,
    started,
    run: (item, sent) =>
      new Promise<void>((resolve) => {
        started.push(item);
        runs.push({ item, send: sent, end: resolve });
      }),
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('runInPlaces', () => {
  it('starts in order, 2 sending, and one that has sent lets the next start, up to 2 more open', async () => {
    const h = harness();
    const done = runInPlaces([1, 2, 3, 4, 5, 6], 2, undefined, h.run);
    expect(h.started).toEqual([1, 2]);
    h.runs[0]?.send();
    expect(h.started).toEqual([1, 2, 3]);
    h.runs[1]?.send();
    h.runs[2]?.send();
    // 4 open (1, 2, 3 waiting, 4 sending) and 2 × 2 is the most: 5 waits for an end.
    expect(h.started).toEqual([1, 2, 3, 4]);
    h.runs[0]?.end();
    await tick();
    expect(h.started).toEqual([1, 2, 3, 4, 5]);
    // An end while sending frees both limits at once.
    h.runs[4]?.end();
    await tick();
    expect(h.started).toEqual([1, 2, 3, 4, 5, 6]);
    for (const r of h.runs) r.end();
    await done;
  });

  it('resolves at once for no items', async () => {
    await expect(runInPlaces([], 3, undefined, async () => {})).resolves.toBeUndefined();
  });

  it('starts nothing more once the signal fired, and resolves when the started runs end', async () => {
    const h = harness();
    const stop = new AbortController();
    let resolved = false;
    const done = runInPlaces([1, 2, 3, 4], 1, stop.signal, h.run).then(() => {
      resolved = true;
    });
    stop.abort();
    h.runs[0]?.end();
    await tick();
    expect(h.started).toEqual([1]);
    expect(resolved).toBe(true);
    await done;
  });

  it('a run that rejects stops further starts; its error comes once the others ended', async () => {
    const started: number[] = [];
    let endSecond = (): void => {};
    const done = runInPlaces([1, 2, 3, 4], 2, undefined, (item) => {
      started.push(item);
      if (item === 1) return Promise.reject(new Error('bug in run 1'));
      return new Promise<void>((resolve) => {
        endSecond = resolve;
      });
    });
    let settled = false;
    void done.catch(() => {
      settled = true;
    });
    await tick();
    expect(started).toEqual([1, 2]);
    expect(settled).toBe(false);
    endSecond();
    await expect(done).rejects.toThrow('bug in run 1');
    expect(started).toEqual([1, 2]);
  });

  it('a run that throws before returning its promise counts as one that rejected', async () => {
    const started: number[] = [];
    const done = runInPlaces([1, 2, 3], 1, undefined, (item) => {
      started.push(item);
      throw new Error('thrown at once');
    });
    await expect(done).rejects.toThrow('thrown at once');
    expect(started).toEqual([1]);
  });

  it('says which phases leave the place: once every byte is acknowledged', () => {
    expect(['creating', 'uploading', 'retrying'].map((p) => leavesPlace(p as UploadPhase))).toEqual([
      false,
      false,
      false,
    ]);
    expect(['verifying', 'processing', 'done'].every((p) => leavesPlace(p as UploadPhase))).toBe(true);
  });
});
