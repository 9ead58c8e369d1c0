/**
 * One error type for the whole hub. Every error carries a stable string `code`;
 * the HTTP status for each code lives in {@link errorStatus}, the only place
 * codes map to statuses. Every code is documented in docs/errors.md.
 */
export const errorStatus = {
  INVALID_JSON: 400,
  INVALID_BODY: 400,
  MISSING_TOPIC: 400,
  INVALID_TOPIC: 400,
  TOO_MANY_TOPICS: 400,
  INVALID_TYPE: 400,
  INVALID_DATA: 400,
  INVALID_FIELD: 400,
  INVALID_QUERY: 400,
  TOKEN_MISSING: 401,
  TOKEN_MALFORMED: 401,
  TOKEN_ALGORITHM_REFUSED: 401,
  TOKEN_SIGNATURE_INVALID: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_NOT_YET_VALID: 401,
  TOKEN_CLAIM_INVALID: 401,
  TOKEN_KEY_UNKNOWN: 401,
  QUERY_TOKEN_REFUSED: 401,
  FORBIDDEN: 403,
  ORIGIN_NOT_ALLOWED: 403,
  SESSION_NOT_FOUND: 404,
  RESERVED_TYPE: 400,
  JSON_TOO_DEEP: 400,
  BAD_REQUEST: 400,
  HOST_NOT_ALLOWED: 403,
  REQUEST_TIMEOUT: 408,
  HEADERS_TOO_LARGE: 431,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  RECORD_NOT_FOUND: 404,
  INVALID_COLLECTION: 400,
  INVALID_RECORD_ID: 400,
  VALIDATION_FAILED: 400,
  INVALID_SCHEMA: 400,
  INVALID_IF_MATCH: 400,
  VERSION_CONFLICT: 409,
  DUPLICATE_EVENT_ID: 409,
  SNAPSHOT_TOO_LARGE: 413,
  TOO_MANY_STREAMS: 429,
  RATE_LIMITED: 429,
  TOO_MANY_CONNECTIONS: 503,
  AUTH_UNAVAILABLE: 503,
  HUB_BUSY: 503,
  LOG_UNAVAILABLE: 503,
  CAPTURE_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
  SHUTTING_DOWN: 503,
  INVALID_CONFIG: 500,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class SseHubError extends Error {
  override readonly name = 'SseHubError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.status = errorStatus[code];
    this.details = details;
  }

  toJSON(): { error: { code: ErrorCode; message: string; details?: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

/** Wraps anything thrown into an SseHubError, keeping the original as `cause`. */
export function toSseHubError(err: unknown): SseHubError {
  if (err instanceof SseHubError) return err;
  return new SseHubError('INTERNAL', 'Internal server error', undefined, { cause: err });
}
