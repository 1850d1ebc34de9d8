import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/sandbox/state-store.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sandbox-state-store-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** The create-call count as the file on disk has it. */
function createCallsOnDisk(): number {
  return (JSON.parse(readFileSync(join(dataDir, 'sandbox-state.json'), 'utf8')) as { createCalls: number })
    .createCalls;
}

describe('StateStore.save', () => {
  it('resolves each caller only once its own change is on disk, however many save at once', async () => {
    const store = await StateStore.open(dataDir);
    const seenOnDisk: number[] = [];
    const calls = Array.from({ length: 25 }, (_, index) =>
      // The file is read the moment each caller is told "saved": it must hold that caller's change.
      store.noteCreateCall().then(() => {
        seenOnDisk[index] = createCallsOnDisk();
      }),
    );
    await Promise.all(calls);
    seenOnDisk.forEach((count, index) => {
      expect(count).toBeGreaterThanOrEqual(index + 1);
    });
    expect(createCallsOnDisk()).toBe(25);
  });

  it('a change made while a write is in progress is not lost: the next write carries it', async () => {
    const store = await StateStore.open(dataDir);
    const first = store.noteCreateCall(); // starts writing once the microtasks run
    await Promise.resolve();
    await Promise.resolve();
    const second = store.noteCreateCall();
    await second;
    expect(createCallsOnDisk()).toBe(2);
    await first;
    expect((await StateStore.open(dataDir)).createCalls).toBe(2);
  });
});
