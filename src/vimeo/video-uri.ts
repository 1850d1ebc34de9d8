/**
 * The one reading of "which video": `/videos/{id}` as the API writes it (also a version's
 * `/videos/{id}/versions/{n}`, or with a query), a bare numeric id, or a vimeo.com page link as a
 * user pastes it (`https://vimeo.com/123`, `https://vimeo.com/123/abcdef` for an unlisted one).
 */
import { ConfigError } from '../errors.js';

const API_URI = /^\/videos\/([^/?#\s]+)/;
const BARE_ID = /^(\d+)\/?$/;
const PAGE_LINK = /^https?:\/\/(?:www\.)?vimeo\.com\/(\d+)(?:[/?#].*)?$/i;

/** The video URI (`/videos/{id}`) that `text` names; undefined when it names none. */
export function videoUriIn(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  const id = (API_URI.exec(trimmed) ?? BARE_ID.exec(trimmed) ?? PAGE_LINK.exec(trimmed))?.[1];
  return id === undefined ? undefined : `/videos/${id}`;
}

/**
 * {@link videoUriIn}, or a ConfigError. The text is not echoed: it could be an upload link passed
 * by mistake (a capability).
 */
export function requireVideoUri(text: unknown, what = 'a video'): string {
  const uri = videoUriIn(text);
  if (uri === undefined) {
    throw new ConfigError(
      `Not ${what}: expected /videos/123, 123 or a vimeo.com link such as https://vimeo.com/123`,
    );
  }
  return uri;
}

/** True for a version's URI (`/videos/{id}/versions/{n}`), as a version call answers. */
export function isVersionUri(uri: string): boolean {
  return /^\/videos\/[^/]+\/versions\//.test(uri);
}
