/**
 * Where the API lives: the one default and the one check, for the library's `apiUrl` option and
 * the CLI's `VIMEO_API_URL` alike. The token goes to this URL, so plain http is refused except on
 * this machine (the sandbox).
 */
import { ConfigError } from '../errors.js';

/** Vimeo's production API. */
export const DEFAULT_API_URL = 'https://api.vimeo.com';

/**
 * `value` as an API base URL without a trailing slash.
 * @throws ConfigError (naming `label`) when it is not an http(s) URL, or is plain http to another host.
 */
export function normaliseApiUrl(value: string, label = 'apiUrl'): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${label} is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`${label} must be an http(s) URL`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    // The Bearer token would cross the network in clear text.
    throw new ConfigError(
      `${label} must use https:// (plain http:// is allowed only for loopback hosts such as 127.0.0.1, ::1 or localhost)`,
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts that may get the token over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
