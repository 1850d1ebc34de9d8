/**
 * Where vimeo-tus keeps its state (the ledger). Resolved from the arguments only: this module
 * never reads `process.env` (the CLI passes it in).
 *
 * Platform defaults follow the XDG base-directory spec on Linux (state, not data: the ledger is
 * state that should survive reboots but is not user data worth backing up or syncing) and the
 * conventions env-paths uses for `data` on macOS and Windows, which have no separate state folder.
 * env-paths itself is not used: it reads `process.env` internally and has no `state` path.
 */
import { homedir } from 'node:os';
import { posix, resolve, win32 } from 'node:path';
import { ConfigError } from '../errors.js';

/** The folder name under the platform's state/data folder. */
export const APP_DIR_NAME = 'vimeo-tus';

/** The environment variable that overrides the default state folder. */
export const STATE_DIR_ENV = 'VIMEO_TUS_STATE_DIR';

/** Inputs of `resolveStateDir`. */
export interface ResolveStateDirOptions {
  /** `--state-dir DIR`; wins over everything. Relative paths resolve against the cwd. */
  readonly flag?: string;
  /** The environment to read `VIMEO_TUS_STATE_DIR`, `XDG_STATE_HOME`, `HOME`, `LOCALAPPDATA` from. @default {} */
  readonly env?: NodeJS.ProcessEnv;
  /** @default process.platform */
  readonly platform?: NodeJS.Platform;
  /** Used when the environment has no home folder. @default os.homedir() */
  readonly homeDir?: string;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * The state folder: `--state-dir`, else `$VIMEO_TUS_STATE_DIR`, else the platform default:
 * - Linux and other Unix: `$XDG_STATE_HOME/vimeo-tus` (only if absolute, per the XDG spec),
 *   else `~/.local/state/vimeo-tus`
 * - macOS: `~/Library/Application Support/vimeo-tus`
 * - Windows: `%LOCALAPPDATA%\vimeo-tus\Data`
 *
 * Always absolute. Throws `ConfigError` for an empty `--state-dir`.
 * @example resolveStateDir({ flag: options.stateDir, env: process.env }) // in the CLI only
 */
export function resolveStateDir(options: ResolveStateDirOptions = {}): string {
  const env = options.env ?? {};
  if (options.flag !== undefined) {
    if (nonEmpty(options.flag) === undefined)
      throw new ConfigError('The state folder (--state-dir, stateDir) is empty: give a folder path');
    return resolve(options.flag);
  }
  const fromEnv = nonEmpty(env[STATE_DIR_ENV]);
  if (fromEnv !== undefined) return resolve(fromEnv);

  const platform = options.platform ?? process.platform;
  if (platform === 'win32') {
    const home = nonEmpty(env.USERPROFILE) ?? options.homeDir ?? homedir();
    const localAppData = nonEmpty(env.LOCALAPPDATA) ?? win32.join(home, 'AppData', 'Local');
    return win32.join(localAppData, APP_DIR_NAME, 'Data');
  }
  const home = nonEmpty(env.HOME) ?? options.homeDir ?? homedir();
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  const xdgStateHome = nonEmpty(env.XDG_STATE_HOME);
  const base =
    xdgStateHome !== undefined && posix.isAbsolute(xdgStateHome)
      ? xdgStateHome
      : posix.join(home, '.local', 'state');
  return posix.join(base, APP_DIR_NAME);
}
