/**
 * Parsing the upload link once, without ever echoing it, and what of it must be redacted.
 */
import { ConfigError, uploadLinkSecrets } from '../errors.js';

/**
 * The upload link as a URL.
 * @throws ConfigError when it is not an absolute http(s) URL (the message does not repeat it).
 */
export function parseUploadUrl(uploadUrl: string): URL {
  let url: URL;
  try {
    url = new URL(uploadUrl);
  } catch (error) {
    throw new ConfigError('The upload link is not a valid URL', { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`The upload link must be http or https (got ${url.protocol})`);
  }
  return url;
}

/** The secrets of an upload link: the whole URL, its path, its upload id, bare and URL-encoded. */
export function linkSecrets(url: URL): string[] {
  return uploadLinkSecrets(url.href);
}
