/** The one check of an access token, before it goes into any request. */
import { ConfigError } from '../errors.js';

/**
 * Refuses a token that is missing, blank, or holds a character a Bearer token cannot have (a space,
 * a line break: Node would refuse the header before sending it, which looked like a lost request).
 * @throws ConfigError naming what is wrong, never the token.
 */
export function checkAccessToken(token: unknown): asserts token is string {
  if (typeof token !== 'string' || token.trim() === '') {
    throw new ConfigError('A Vimeo access token is required (create one with the `upload` scope)');
  }
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new ConfigError(
      'The Vimeo access token contains a space, a line break or another character a token cannot ' +
        'have (read from a file? trim the trailing newline)',
    );
  }
}
