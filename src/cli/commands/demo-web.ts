/**
 * `vimeo-tus demo --web`: the browser path to see with your own eyes. Starts an embedded sandbox
 * (upload host throttled so the bars move), the ticket and confirm endpoints, and the page, on
 * 127.0.0.1; prints the URL to open, and runs until Ctrl-C.
 */
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { CliIo } from '../io.js';

/** Options of the web demo. */
export interface WebDemoCommandOptions {
  /** Port of the page. @default 0 (a free one) */
  readonly port?: number | undefined;
  /** Throttle of the sandbox's upload host, bytes per second. */
  readonly bytesPerSecond?: number | undefined;
  /** The built browser module (dist/browser.js), which bin.ts locates. */
  readonly browserModulePath: string;
}

/** Runs the web demo until the signal fires. */
export async function webDemoCommand(options: WebDemoCommandOptions, io: CliIo): Promise<ExitCodeValue> {
  const { startWebDemo } = await import('../web-demo/server.js');
  const demo = await startWebDemo({
    browserModulePath: options.browserModulePath,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.bytesPerSecond === undefined
      ? {}
      : { sandbox: { faults: { throttleBytesPerSecond: options.bytesPerSecond } } }),
  });
  try {
    io.stdout.write(`${demo.url}\n`);
    io.stderr.write(
      `Open ${demo.url} in a browser and pick or drop a video file. The page asks this server for an ` +
        `upload link (the token stays here) and sends the bytes straight to the sandbox's upload host ` +
        `${demo.sandbox.uploadUrl}. Ctrl-C stops.\n`,
    );
    if (!io.signal.aborted) {
      await new Promise<void>((resolve) =>
        io.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
    }
    return ExitCode.Ok;
  } finally {
    await demo.close();
  }
}
