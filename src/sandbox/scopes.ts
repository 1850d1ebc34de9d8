/**
 * Token scopes: which scope each API call needs, and Vimeo's 403 for a token without it. The
 * sandbox's one token has the scopes given by `startSandbox({ scopes })` (default: every scope the
 * upload flow uses).
 */
import { ApiError, VIMEO_ERROR_CONTENT_TYPE } from './errors-body.js';
import type { RequestKind, VimeoScope } from './types.js';

/** Every scope Vimeo grants (developer.vimeo.com, "Generate an access token"). */
export const VIMEO_SCOPES: readonly VimeoScope[] = [
  'public',
  'private',
  'purchased',
  'create',
  'edit',
  'delete',
  'interact',
  'upload',
  'video_files',
  'stats',
  'email',
  'promo_codes',
  'purchase',
];

/** The scopes of the sandbox's token unless told otherwise: all that vimeo-tus uses. */
export const DEFAULT_SANDBOX_SCOPES: readonly VimeoScope[] = [
  'public',
  'private',
  'upload',
  'edit',
  'delete',
];

/**
 * Scopes each call needs, checked in this order (the first missing one is named). A version needs
 * `upload` and `edit`: a token with neither is refused naming `upload`, as Vimeo does.
 */
const REQUIRED: Readonly<Partial<Record<RequestKind, readonly VimeoScope[]>>> = {
  create: ['upload'],
  version: ['upload', 'edit'],
  'edit-video': ['edit'],
  'delete-video': ['delete'],
};

/**
 * Throw Vimeo's 403 if the token lacks a scope `kind` needs. Vimeo words it 'Your access token does
 * not have the "upload" scope' in the short `{"error": …}` body (no `error_code`).
 */
export function assertScopes(kind: RequestKind, granted: readonly string[]): void {
  const missing = REQUIRED[kind]?.find((scope) => !granted.includes(scope));
  if (missing === undefined) return;
  throw new ApiError(
    403,
    { error: `Your access token does not have the "${missing}" scope` },
    {},
    VIMEO_ERROR_CONTENT_TYPE,
  );
}

/** Whether a token with `granted` sees this video in `GET /me/videos` (`private` shows every video). */
export function listable(privacyView: unknown, granted: readonly string[]): boolean {
  return granted.includes('private') || privacyView === undefined || privacyView === 'anybody';
}

/** Parse and check a list of scope names (unknown names are refused). */
export function checkScopes(scopes: readonly string[]): VimeoScope[] {
  const unknown = scopes.filter((s) => !VIMEO_SCOPES.includes(s as VimeoScope));
  if (unknown.length > 0) {
    throw new TypeError(`Unknown Vimeo scope ${unknown.join(', ')} (one of ${VIMEO_SCOPES.join(', ')})`);
  }
  return [...new Set(scopes)] as VimeoScope[];
}
