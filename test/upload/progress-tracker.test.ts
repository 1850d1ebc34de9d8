import { afterEach, describe, expect, it } from 'vitest';
import { ProgressTracker } from '../../src/upload/progress-tracker.js';
import type { UploadProgress } from '../../src/upload/types.js';

function setup(intervalMs: number) {
  let nowMs = 1_000;
  const events: UploadProgress[] = [];
  const tracker = new ProgressTracker({
    bytesTotal: 1000,
    intervalMs,
    emit: (p) => events.push(p),
    now: () => nowMs,
    windowMs: 5_000,
  });
  return {
    tracker,
    events,
    advance(ms: number) {
      nowMs += ms;
    },
  };
}

let current: ProgressTracker | undefined;
afterEach(() => current?.stop());

describe('ProgressTracker', () => {
  it('emits phase changes at once and throttles updates', () => {
    const { tracker, events, advance } = setup(250);
    current = tracker;
    tracker.setPhase('creating');
    tracker.setPhase('uploading');
    expect(events.map((e) => e.phase)).toEqual(['creating', 'uploading']);
    tracker.update({ bytesSent: 100, bytesAcked: 0 });
    tracker.update({ bytesSent: 200, bytesAcked: 100 });
    expect(events).toHaveLength(2);
    advance(300);
    tracker.update({ bytesSent: 300, bytesAcked: 200 });
    expect(events).toHaveLength(3);
    expect(events[2]).toMatchObject({
      phase: 'uploading',
      bytesSent: 300,
      bytesAcked: 200,
      bytesTotal: 1000,
    });
  });

  it('never lets bytesAcked go backwards', () => {
    const { tracker, events, advance } = setup(0);
    current = tracker;
    tracker.setPhase('uploading');
    for (const acked of [100, 400, 300, 0, 500]) {
      advance(10);
      tracker.update({ bytesSent: 600, bytesAcked: acked });
    }
    const acked = events.map((e) => e.bytesAcked);
    expect(acked).toEqual([...acked].sort((a, b) => a - b));
    expect(tracker.snapshot().bytesAcked).toBe(500);
  });

  it('computes the rate over the window of acked bytes and an ETA', () => {
    const { tracker, advance } = setup(0);
    current = tracker;
    tracker.setPhase('uploading');
    tracker.update({ bytesSent: 0, bytesAcked: 0 });
    advance(1000);
    tracker.update({ bytesSent: 100, bytesAcked: 100 });
    advance(1000);
    tracker.update({ bytesSent: 200, bytesAcked: 200 });
    const p = tracker.snapshot();
    expect(p.bytesPerSecond).toBe(100);
    expect(p.etaSeconds).toBe(8);
    // A resume offset does not count as speed: the first sample is the baseline.
    const resumed = setup(0);
    resumed.tracker.update({ bytesSent: 0, bytesAcked: 900 });
    expect(resumed.tracker.snapshot()).toMatchObject({ bytesPerSecond: 0, etaSeconds: null });
    resumed.tracker.stop();
  });

  it('goes from retrying back to uploading when bytes move again', () => {
    const { tracker, events } = setup(10_000);
    current = tracker;
    tracker.setPhase('uploading');
    tracker.update({ bytesSent: 100, bytesAcked: 100 });
    tracker.setPhase('retrying');
    tracker.update({ bytesSent: 100, bytesAcked: 100 });
    expect(tracker.phase).toBe('retrying');
    tracker.update({ bytesSent: 150, bytesAcked: 100 });
    expect(tracker.phase).toBe('uploading');
    expect(events.map((e) => e.phase)).toEqual(['uploading', 'retrying', 'uploading']);
  });

  it('follows the bytes sent while no acknowledgement comes (one PATCH for the whole file), then the acknowledged ones', () => {
    const { tracker, advance } = setup(0);
    current = tracker;
    tracker.setPhase('uploading');
    tracker.update({ bytesSent: 0, bytesAcked: 0 });
    for (let i = 1; i <= 3; i += 1) {
      advance(1000);
      tracker.update({ bytesSent: 100 * i, bytesAcked: 0 });
    }
    const sending = tracker.snapshot();
    expect(sending).toMatchObject({
      bytesAcked: 0,
      bytesSent: 300,
      rateBasis: 'sent',
      bytesPerSecond: 100,
      sentBytesPerSecond: 100,
      ackedBytesPerSecond: 0,
    });
    // 700 bytes left beyond what the socket accepted, at 100 B/s.
    expect(sending.etaSeconds).toBe(7);

    advance(1000);
    tracker.update({ bytesSent: 400, bytesAcked: 400 });
    const acked = tracker.snapshot();
    expect(acked.rateBasis).toBe('acked');
    expect(acked.ackedBytesPerSecond).toBe(100);
    expect(acked.bytesPerSecond).toBe(acked.ackedBytesPerSecond);
    expect(acked.etaSeconds).toBe(6);
  });

  it('writes off bytes sent before a retry: the ETA counts from the server offset again', () => {
    const { tracker, advance } = setup(0);
    current = tracker;
    tracker.setPhase('uploading');
    tracker.update({ bytesSent: 0, bytesAcked: 0 });
    advance(1000);
    tracker.update({ bytesSent: 500, bytesAcked: 0 });
    expect(tracker.snapshot().etaSeconds).toBe(1);
    tracker.setPhase('retrying');
    advance(1000);
    tracker.update({ bytesSent: 600, bytesAcked: 0 });
    // 600 sent in 2 s, none of the first 500 counted as on the wire: 900 left at 300 B/s.
    expect(tracker.snapshot()).toMatchObject({ rateBasis: 'sent', bytesPerSecond: 300, etaSeconds: 3 });
  });

  it('holds a bounded number of rate samples however many updates come, and still measures the rate', () => {
    let nowMs = 0;
    const tracker = new ProgressTracker({
      bytesTotal: 2 ** 40,
      intervalMs: 1_000,
      emit: () => undefined,
      now: () => nowMs,
      windowMs: 5_000,
    });
    current = tracker;
    tracker.setPhase('uploading');
    // 20 s of 64 KiB writes at 320 MiB/s: 5 updates per ms, an acknowledgement every 128 MiB.
    const pieceBytes = 64 * 1024;
    let sent = 0;
    let acked = 0;
    for (let ms = 0; ms < 20_000; ms += 1) {
      nowMs = ms;
      for (let piece = 0; piece < 5; piece += 1) {
        sent += pieceBytes;
        if (sent - acked >= 128 * 2 ** 20) acked = sent;
        tracker.update({ bytesSent: sent, bytesAcked: acked });
      }
    }
    // One sample per 100 ms over the 5 s window, for each of the two rates, plus the edges.
    expect(tracker.samplesHeld).toBeLessThanOrEqual(2 * (5_000 / 100 + 3));
    const snapshot = tracker.snapshot();
    expect((snapshot.sentBytesPerSecond ?? 0) / (5 * pieceBytes * 1000)).toBeCloseTo(1, 1);
    expect(snapshot.bytesSent).toBe(sent);
  });
});
