/**
 * The outside pieces a command needs besides `io`: the upload engine, the embedded sandbox, the
 * file system. bin.ts wires the real ones; tests pass fakes.
 */
import type { StartUpload } from './engine-port.js';

/** Options for an embedded sandbox started by the CLI (`--sandbox`, `demo`). */
export interface EmbeddedSandboxOptions {
  /** Throttle the upload host to this many bytes per second (the demo). */
  readonly throttleBytesPerSecond?: number;
}

/** A running embedded sandbox. */
export interface EmbeddedSandbox {
  readonly apiUrl: string;
  readonly token: string;
  close(): Promise<void>;
}

/** Everything commands get injected. */
export interface CliDeps {
  /** Loads the upload engine (or the ledger-backed wrapper around it). */
  loadEngine(options: {
    readonly stateDir: string | undefined;
    readonly ledger: boolean;
  }): Promise<StartUpload>;
  startSandbox(options: EmbeddedSandboxOptions): Promise<EmbeddedSandbox>;
  readTextFile(path: string): Promise<string>;
}
