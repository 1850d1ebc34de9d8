/**
 * The CLI's configuration, resolved once per run (defaults < environment < flags) into one frozen
 * object. Only the CLI uses it; the library takes explicit options and never reads the environment.
 */
import { ConfigError, VimeoApiError } from '../errors.js';
import { DEFAULT_API_URL, normaliseApiUrl } from '../vimeo/api-url.js';
import { resolveStateDir } from './state-dir.js';

/** The short help shown whenever the token is missing or rejected. */
export const TOKEN_HELP =
  'Create a personal access token at https://developer.vimeo.com/apps (your app → "Generate an access token",' +
  ' scopes: upload; edit to set name/description/privacy and to replace a video; delete to let vimeo-tus' +
  ' remove the empty placeholder video a crashed upload may leave), then set VIMEO_TOKEN=... or pass' +
  ' --token-file FILE. To try vimeo-tus without an account: `vimeo-tus demo`, or `vimeo-tus upload --sandbox FILE`.';

/** The resolved configuration. `token` is secret: never print it or put it into an error. */
export interface CliConfig {
  readonly token: string;
  /** Where the token came from, for messages (never the token itself). */
  readonly tokenSource: 'env' | 'token-file' | 'sandbox';
  /** `VIMEO_API_URL`, else Vimeo's; checked (https, or http to this machine), no trailing slash. */
  readonly apiUrl: string;
  /** The ledger's folder, absolute: `--state-dir`, else `VIMEO_TUS_STATE_DIR`, else the platform's. */
  readonly stateDir: string;
}

/** Flags that bear on the configuration. */
export interface CliConfigFlags {
  readonly tokenFile?: string | undefined;
  readonly stateDir?: string | undefined;
  /** An embedded sandbox supplies both the API URL and the token. */
  readonly sandbox?: { readonly apiUrl: string; readonly token: string } | undefined;
}

/** What resolving needs from the outside. */
export interface CliConfigSources {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly flags: CliConfigFlags;
  /** Reads a text file (the token file). */
  readonly readTextFile: (path: string) => Promise<string>;
}

/**
 * Resolves the configuration.
 * @throws VimeoApiError E_AUTH when no token is available (message: how to create one).
 * @throws ConfigError when the token file cannot be read or is empty, VIMEO_API_URL is not a usable
 *   URL, or --state-dir is empty.
 */
export async function resolveCliConfig(sources: CliConfigSources): Promise<CliConfig> {
  const { env, flags } = sources;
  const stateDir = resolveStateDir({
    ...(flags.stateDir !== undefined ? { flag: flags.stateDir } : {}),
    env,
  });
  if (flags.sandbox) {
    return Object.freeze({
      token: flags.sandbox.token,
      tokenSource: 'sandbox',
      apiUrl: flags.sandbox.apiUrl,
      stateDir,
    });
  }
  const apiUrl = normaliseApiUrl(nonEmpty(env.VIMEO_API_URL) ?? DEFAULT_API_URL, 'VIMEO_API_URL');
  const tokenFile = nonEmpty(flags.tokenFile);
  if (tokenFile !== undefined) {
    let text: string;
    try {
      text = await sources.readTextFile(tokenFile);
    } catch (cause) {
      const reason = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'unreadable';
      throw new ConfigError(`Cannot read the token file ${tokenFile} (${reason}).`, { cause });
    }
    const token = text.trim();
    if (token === '') throw new ConfigError(`The token file ${tokenFile} is empty. ${TOKEN_HELP}`);
    return Object.freeze({ token, tokenSource: 'token-file', apiUrl, stateDir });
  }
  const token = nonEmpty(env.VIMEO_TOKEN?.trim());
  if (token === undefined) throw new VimeoApiError(`No Vimeo token. ${TOKEN_HELP}`, { code: 'E_AUTH' });
  return Object.freeze({ token, tokenSource: 'env', apiUrl, stateDir });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
