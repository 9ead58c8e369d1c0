/** An error answer from the hub, keeping its stable `code` (see docs/errors.md). */
// @ts-nocheck

export class HubClientError extends Error {
  override readonly name = 'HubClientError';
  /** The hub's error code, e.g. `RECORD_NOT_FOUND`; `NETWORK` when no answer came. */
  readonly code: string;
  /** The HTTP status (0 when no answer came). */
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

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
  return new HubClientError(code, message, response.status, details);
}
