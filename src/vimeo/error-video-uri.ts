/**
 * Errors that happen once a video exists carry its URI, so that whoever catches them (the CLI, the
 * ledger layer, a script) can find, continue or delete that video. The URI is not a secret (unlike
 * an upload link) and is set as an extra `videoUri` property on the error.
 */

/** An error that knows which video it concerns. */
export interface WithVideoUri {
  /** `/videos/123`: the video that exists despite the error. */
  readonly videoUri: string;
}

/**
 * Sets `videoUri` on `error` (an object) unless it already has one, and returns it.
 * @example throw withVideoUri(error, '/videos/123');
 */
export function withVideoUri<T>(error: T, videoUri: string): T {
  if (error !== null && typeof error === 'object' && !('videoUri' in error) && Object.isExtensible(error)) {
    Object.defineProperty(error, 'videoUri', { value: videoUri, enumerable: true });
  }
  return error;
}

/** The `videoUri` an error carries, if any. */
export function videoUriOfError(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object' || !('videoUri' in error)) return undefined;
  const uri = (error as { videoUri?: unknown }).videoUri;
  return typeof uri === 'string' ? uri : undefined;
}
