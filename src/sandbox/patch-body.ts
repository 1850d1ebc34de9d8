/**
 * The body of a PATCH as @tus/server reads it: a pull-based web stream over the Node request that
 * applies this request's faults (reset after N bytes, stall, throttle) and ends gracefully when the
 * client goes away, so every byte that arrived is handed to the store and accounted for.
 */
import type { IncomingMessage } from 'node:http';
import type { PatchFaultPlan } from './faults.js';

/** What happened to one PATCH body. */
export interface PatchBodyState {
  /** Bytes handed to the store. */
  delivered: number;
  /** The body did not arrive whole: client disconnect or injected reset. */
  interrupted: boolean;
  /** An injected fault (reset or stall) fired. */
  faulted: boolean;
}

/** Resolve after `ms`, or earlier when the connection closes. */
function sleepUnlessClosed(req: IncomingMessage, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = req.socket;
    const done = (): void => {
      clearTimeout(timer);
      socket.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (socket.destroyed) done();
    else socket.once('close', done);
  });
}

/** Wrap `req` as a web body stream that applies `plan`; `state` records what happened. */
export function patchBody(
  req: IncomingMessage,
  plan: PatchFaultPlan,
  state: PatchBodyState,
): ReadableStream<Uint8Array> {
  const iterator = req[Symbol.asyncIterator]();
  const startedMs = Date.now();
  const throttle = plan.throttleBytesPerSecond;
  const pieceMax = throttle === undefined ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(throttle / 20));
  let pending: Buffer = Buffer.alloc(0);
  let stallDone = plan.stall === undefined;

  const reset = (): void => {
    state.interrupted = true;
    state.faulted = true;
    req.socket.resetAndDestroy();
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // Loop until a piece is enqueued or the stream closes: a pull that enqueues nothing is not
        // called again.
        for (;;) {
          if (plan.resetAfterBytes !== undefined && state.delivered >= plan.resetAfterBytes) {
            reset();
            controller.close();
            return;
          }
          if (!stallDone && plan.stall && state.delivered >= plan.stall.afterBytes) {
            stallDone = true;
            state.faulted = true;
            await sleepUnlessClosed(req, plan.stall.durationMs);
          }
          if (pending.length === 0) {
            let next: IteratorResult<unknown>;
            try {
              next = await iterator.next();
            } catch {
              state.interrupted = true;
              controller.close();
              return;
            }
            if (next.done) {
              // A request that ends short of its Content-Length was cut by the client.
              const declared = Number(req.headers['content-length'] ?? Number.NaN);
              if (Number.isFinite(declared) && state.delivered < declared) state.interrupted = true;
              controller.close();
              return;
            }
            pending = next.value as Buffer;
          }
          let size = Math.min(pending.length, pieceMax);
          if (plan.resetAfterBytes !== undefined)
            size = Math.min(size, plan.resetAfterBytes - state.delivered);
          if (!stallDone && plan.stall) size = Math.min(size, plan.stall.afterBytes - state.delivered);
          if (size <= 0) continue;
          const piece = pending.subarray(0, size);
          pending = pending.subarray(size);
          state.delivered += piece.length;
          controller.enqueue(piece);
          if (throttle !== undefined) {
            const dueMs = startedMs + (state.delivered / throttle) * 1000;
            const waitMs = dueMs - Date.now();
            if (waitMs > 0) await sleepUnlessClosed(req, waitMs);
          }
          return;
        }
      },
      cancel() {
        req.resume();
      },
    },
    { highWaterMark: 0 },
  );
}
