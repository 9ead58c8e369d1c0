// @ts-nocheck
import type { SessionData } from '../protocol/wire.js';

export interface SessionRefresherOptions {
  fetch: typeof fetch;
  /** Absolute URL to POST a fresh token to for a session. */
  sessionUrl: (session: string) => string;
  /** Returns a currently valid token (the app's own refresh logic lives here). */
  getToken: () => Promise<string>;
}

/** Refresh this long before `exp`: a fifth of the remaining time, between 1 and 30 seconds. */
function leadMs(remaining: number): number {
  return Math.min(30_000, Math.max(1_000, remaining * 0.2));
}

/**
 * Keeps a token-authenticated stream open past its token's `exp`: when the hub
 * announces the stream's session, it posts a fresh token there ahead of expiry,
 * again and again. If a refresh fails the stream simply ends at `exp` and the
 * transport reconnects with a fresh token, resuming from its last id.
 */
export class SessionRefresher {
  readonly #options: SessionRefresherOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(options: SessionRefresherOptions) {
    this.#options = options;
  }

  /** The data of a `session` event; replaces any earlier session (a reconnect opens a new one). */
  onSessionEvent(data: string): void {
    let parsed: SessionData;
    try {
      parsed = JSON.parse(data) as SessionData;
    } catch {
      return;
    }
    if (typeof parsed.session !== 'string' || typeof parsed.expiresAt !== 'number') return;
    this.#schedule(parsed.session, parsed.expiresAt);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #schedule(session: string, expiresAt: number): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    const remaining = expiresAt - Date.now();
    const delay = Math.max(0, remaining - leadMs(remaining));
    this.#timer = setTimeout(() => void this.#refresh(session), delay);
  }

  async #refresh(session: string): Promise<void> {
    try {
      const token = await this.#options.getToken();
      const response = await this.#options.fetch(this.#options.sessionUrl(session), {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      if (!response.ok) return;
      const body = (await response.json()) as { expiresAt?: number };
      if (typeof body.expiresAt === 'number') this.#schedule(session, body.expiresAt);
    } catch {
      // The stream ends at its token's exp; the reconnect asks getToken again.
    }
  }
}
