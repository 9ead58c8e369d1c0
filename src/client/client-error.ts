/** An error answer from the hub, keeping its stable `code` (see docs/errors.md). */
export class HubClientError extends Error {
  override readonly name = 'HubClientError';
  /** The hub's error code, e.g. `RECORD_NOT_FOUND`; `NETWORK` when no answer came. */
  readonly code: string;
  /** The HTTP status (0 when no answer came). */
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  /** The answer's `Retry-After` in ms (a 503 or 429): reconnects wait at least this long. */
  retryAfterMs: number | undefined;

  constructor(
    code: string,
    message: string,
    status: number,
    details?: Record<string, unknown>,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** Turns a non-2xx response into a HubClientError, reading the `{ error: { code, message } }` body. */
export async function errorFromResponse(response: Response): Promise<HubClientError> {
  let code = `HTTP_${response.status}`;
  let message = `${response.status} ${response.statusText}`.trim();
  let details: Record<string, unknown> | undefined;
  try {
    const body = (await response.json()) as {
      error?: { code?: string; message?: string; details?: Record<string, unknown> };
    };
    if (body?.error?.code) code = body.error.code;
    if (body?.error?.message) message = body.error.message;
    details = body?.error?.details;
  } catch {
    // not a JSON error body; keep the status line
  }
  const error = new HubClientError(code, message, response.status, details);
  error.retryAfterMs = retryAfterMs(response.headers.get('retry-after'));
  return error;
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  // An HTTP date names its day and month; anything else (a negative number, say) is unreadable.
  const at = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
