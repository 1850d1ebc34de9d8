import { describe, expect, it } from 'vitest';
import { CallbackFailure, TransferCounters } from '../../src/tus/transfer-counters.js';

describe('TransferCounters', () => {
  it('reports the first offset, then only offsets beyond the last, and owes onAcked for each', async () => {
    const events: string[] = [];
    const counters = new TransferCounters(
      {
        onAcked: async (offset) => {
          await Promise.resolve();
          events.push(`acked ${offset}`);
        },
        onProgress: (p) => events.push(`progress ${p.bytesSent}/${p.bytesAcked}`),
      },
      () => events.push('failure'),
    );
    expect(counters.observe(0)).toBe(true);
    await counters.persist(0);
    counters.written(10);
    expect(counters.observe(10)).toBe(true);
    expect(counters.observe(10)).toBe(false);
    expect(counters.observe(4)).toBe(false);
    await counters.persist(10);
    expect(counters.bytesAcked).toBe(10);
    expect(events).toEqual(['progress 0/0', 'acked 0', 'progress 10/0', 'progress 10/10', 'acked 10']);
  });

  it('turns a throwing onAcked into a CallbackFailure carrying its error', async () => {
    const thrown = new Error('disk full');
    const counters = new TransferCounters(
      {
        onAcked: () => {
          throw thrown;
        },
      },
      () => undefined,
    );
    const caught = await counters.persist(5).catch((error: unknown) => error);
    expect(caught).toBeInstanceOf(CallbackFailure);
    expect((caught as CallbackFailure).error).toBe(thrown);
  });

  it('records a throwing onProgress in a socket callback once, and calls onFailure once', () => {
    let failures = 0;
    const counters = new TransferCounters(
      {
        onProgress: () => {
          throw new Error('listener bug');
        },
      },
      () => {
        failures += 1;
      },
    );
    expect(() => counters.written(1)).not.toThrow();
    counters.written(1);
    expect(counters.bytesSent).toBe(2);
    expect(failures).toBe(1);
    expect(counters.failure?.error).toEqual(new Error('listener bug'));
  });
});
