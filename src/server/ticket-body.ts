/**
 * What a page may ask the ticket handler for, checked strictly: a JSON object of known fields
 * only, a size that is a whole number of bytes within the app's limit, a short name and type, and
 * a video URI when the page asks for a new version of a video whose link died.
 */

/** A page's ticket request, once checked. */
export interface TicketBody {
  readonly size: number;
  /** The file's name, '' when the page sent none. */
  readonly name: string;
  /** The file's MIME type, '' when the page sent none. */
  readonly type: string;
  /** `/videos/123`: a new version of this video instead of a new video. */
  readonly replace?: string;
}

/** Longest accepted file name (Vimeo's titles are shorter still in practice). */
export const MAX_NAME_LENGTH = 255;
const MAX_TYPE_LENGTH = 127;
const KNOWN_FIELDS = new Set(['size', 'name', 'type', 'replace']);
const VIDEO_URI = /^\/videos\/\d{1,20}$/;

/** A refused ticket body: the message is safe to show the page. */
export class TicketBodyError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'TicketBodyError';
  }
}

/**
 * Check a parsed JSON body against the rules above.
 * @throws TicketBodyError (400; 413 for a size over the limit).
 */
export function checkTicketBody(value: unknown, maxSizeBytes: number): TicketBody {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TicketBodyError(
      'The body must be a JSON object such as {"size": 1048576, "name": "talk.mp4"}',
      400,
    );
  }
  const fields = value as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !KNOWN_FIELDS.has(key));
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 5).map((key) => JSON.stringify(key.slice(0, 40)));
    throw new TicketBodyError(
      `Unknown field(s) ${shown.join(', ')}: only size, name, type and replace are accepted`,
      400,
    );
  }
  const { size, name = '', type = '', replace } = fields;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size <= 0) {
    throw new TicketBodyError('size must be a whole number of bytes above 0', 400);
  }
  if (size > maxSizeBytes) {
    throw new TicketBodyError(`The file is too large: ${size} bytes, the limit is ${maxSizeBytes}`, 413);
  }
  if (typeof name !== 'string' || name.length > MAX_NAME_LENGTH) {
    throw new TicketBodyError(`name must be a text of at most ${MAX_NAME_LENGTH} characters`, 400);
  }
  if (typeof type !== 'string' || type.length > MAX_TYPE_LENGTH) {
    throw new TicketBodyError(`type must be a text of at most ${MAX_TYPE_LENGTH} characters`, 400);
  }
  if (replace !== undefined && (typeof replace !== 'string' || !VIDEO_URI.test(replace))) {
    throw new TicketBodyError('replace must be a video URI such as /videos/123', 400);
  }
  return { size, name, type, ...(replace === undefined ? {} : { replace }) };
}
