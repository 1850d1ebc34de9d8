/**
 * Vimeo's JSON error bodies (`application/vnd.vimeo.error+json`) and the legacy `{"error": "…"}`.
 */

/** One entry of `invalid_parameters`. */
export interface InvalidParameterBody {
  readonly field: string;
  readonly error_code: number;
  readonly error: string;
  readonly developer_message: string;
}

/** Vimeo's error body. */
export interface VimeoErrorBody {
  readonly error: string;
  readonly link: null;
  readonly developer_message: string;
  readonly error_code: number;
  readonly invalid_parameters?: readonly InvalidParameterBody[];
}

/** Content type of Vimeo's error bodies. */
export const VIMEO_ERROR_CONTENT_TYPE = 'application/vnd.vimeo.error+json';

/** Build an error body. */
export function vimeoError(
  errorCode: number,
  error: string,
  developerMessage: string,
  invalidParameters?: readonly InvalidParameterBody[],
): VimeoErrorBody {
  return {
    error,
    link: null,
    developer_message: developerMessage,
    error_code: errorCode,
    ...(invalidParameters ? { invalid_parameters: invalidParameters } : {}),
  };
}

/** An error an API route throws; the server turns it into the response. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: VimeoErrorBody | { readonly error: string };
  readonly headers: Readonly<Record<string, string>>;
  /** The answer's content type; by default Vimeo's error type, or plain JSON for a legacy body. */
  readonly contentType: string;

  constructor(
    status: number,
    body: VimeoErrorBody | { readonly error: string },
    headers: Readonly<Record<string, string>> = {},
    contentType: string = 'error_code' in body ? VIMEO_ERROR_CONTENT_TYPE : 'application/json',
  ) {
    super(body.error);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    this.headers = headers;
    this.contentType = contentType;
  }
}

/** 404 with the legacy body, as Vimeo answers for an unknown video. */
export function notFound(what: string): ApiError {
  return new ApiError(404, { error: `The requested ${what} couldn't be found.` });
}
