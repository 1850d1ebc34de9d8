/**
 * Peer client: Vimeo's official Node SDK, vimeo.js 3 (`@vimeo/vimeo`), as its README shows it:
 * `client.upload(path, params, onComplete, onProgress, onError)`. That call creates the video
 * (`POST /me/videos`, approach tus) and sends the file with its bundled tus-js-client 1.x from
 * fs.createReadStream, in one PATCH: it has no chunk-size option, so it runs the same way in every
 * configuration. Its API host is pointed at the sandbox through the SDK's exported
 * `request_defaults` (protocol, hostname, port; `vimeo_module` of its index).
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { describeError, finish, readJob } from './client-io.js';

interface VimeoSdk {
  /** lib/vimeo.js, whose `request_defaults` every API call starts from. */
  vimeo_module: { request_defaults: { protocol: string; hostname: string; port: number } };
  Vimeo: new (
    clientId: string | null,
    clientSecret: string | null,
    accessToken: string,
  ) => {
    upload(
      path: string,
      params: Record<string, unknown>,
      onComplete: (uri: string) => void,
      onProgress: (sent: number, total: number) => void,
      onError: (error: unknown) => void,
    ): void;
  };
}

const job = readJob();
// The SDK is CommonJS; loading it is start-up, as for every client.
const sdk = createRequire(import.meta.url)('@vimeo/vimeo') as VimeoSdk;
const api = new URL(job.apiUrl);
const defaults = sdk.vimeo_module.request_defaults;
defaults.protocol = api.protocol;
defaults.hostname = api.hostname;
defaults.port = Number(api.port);
const client = new sdk.Vimeo(null, null, job.token);
const started = performance.now();
client.upload(
  job.filePath,
  { name: 'bench' },
  (uri) => finish({ ok: true, transferMs: performance.now() - started, videoUri: uri }),
  () => {},
  (error) => finish({ ok: false, transferMs: performance.now() - started, error: describeError(error) }),
);
