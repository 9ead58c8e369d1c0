// @ts-nocheck
import { useCallback, useEffect, useState } from 'react';

/** Who the board is signed in as: the hub keeps the token in an HttpOnly cookie, this is what it tells us. */
export interface Guest {
  sub: string;
  name: string;
  issuedAt: number;
  expiresAt: number;
}

export type GuestState = { status: 'loading' } | { status: 'signed-out' } | ({ status: 'signed-in' } & Guest);

const GUEST_URL = '/auth/guest';
/** Renew when less than half the token's life is left (checked on load and every few minutes). */
const CHECK_EVERY_MS = 5 * 60_000;

async function call(method: 'GET' | 'POST' | 'DELETE', body?: unknown): Promise<Guest | undefined> {
  const response = await fetch(GUEST_URL, {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 401) return undefined;
  const json = (await response.json()) as Guest & { error?: { message: string } };
  if (!response.ok) throw new Error(json.error?.message ?? `Sign-in failed (${response.status})`);
  return method === 'DELETE' ? undefined : json;
}

/**
 * Guest sign-in by name (`POST /auth/guest`, enabled by `ssehub serve --guest-auth`).
 * The hub sets the token cookie; streams and writes carry it, and the hub's rules
 * decide what this guest may do. Renewing keeps the same identity.
 */
export function useGuest(): {
  guest: GuestState;
  signIn: (name: string) => Promise<void>;
  signOut: () => Promise<void>;
} {
  const [guest, setGuest] = useState<GuestState>({ status: 'loading' });
  const apply = useCallback((who: Guest | undefined) => {
    setGuest(who ? { status: 'signed-in', ...who } : { status: 'signed-out' });
  }, []);

  useEffect(() => {
    let stopped = false;
    const check = async () => {
      try {
        const who = await call('GET');
        // Past half its life: sign in again under the same name, which keeps the identity.
        const halfLife = who && who.issuedAt + (who.expiresAt - who.issuedAt) / 2;
        const current = who && Date.now() > (halfLife as number) ? await call('POST', { name: who.name }) : who;
        if (!stopped) apply(current);
      } catch {
        if (!stopped) setGuest((g) => (g.status === 'loading' ? { status: 'signed-out' } : g));
      }
    };
    void check();
    const timer = setInterval(() => void check(), CHECK_EVERY_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [apply]);

  const signIn = useCallback(async (name: string) => apply(await call('POST', { name })), [apply]);
  const signOut = useCallback(async () => apply(await call('DELETE')), [apply]);
  return { guest, signIn, signOut };
}
