import { request } from 'node:http';
import { hsToken, type TokenSpec } from './tokens.js';

/** The `mercure` claim of a test token. */
export interface MercureClaim {
  publish?: string[];
  subscribe?: string[];
  payload?: unknown;
}

/** An HS256 token (the test secret) carrying a `mercure` claim, as a Mercure app would mint it. */
export function mercureToken(claim: MercureClaim, spec: TokenSpec = {}): Promise<string> {
  return hsToken({ ...spec, claims: { ...spec.claims, mercure: claim } });
}

export interface FormResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * POSTs a form body to the hub's Mercure endpoint on a fresh connection. Fields
 * are pairs so a name may repeat (`topic`), as Mercure publishers send them.
 */
export function postForm(
  baseUrl: string,
  body: string | readonly (readonly [string, string])[],
  headers: Record<string, string> = {},
  path = '/.well-known/mercure',
): Promise<FormResponse> {
  const payload = typeof body === 'string' ? body : new URLSearchParams(body as [string, string][]).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, baseUrl),
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(payload),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Publishes one update with a Bearer token; throws unless the hub answers 200. Returns the update's id. */
export async function mercurePublish(
  baseUrl: string,
  token: string,
  update: { topics: string[]; data: string; id?: string; type?: string; private?: boolean; retry?: number },
): Promise<string> {
  const fields: [string, string][] = update.topics.map((t) => ['topic', t]);
  fields.push(['data', update.data]);
  if (update.id !== undefined) fields.push(['id', update.id]);
  if (update.type !== undefined) fields.push(['type', update.type]);
  if (update.retry !== undefined) fields.push(['retry', String(update.retry)]);
  if (update.private) fields.push(['private', 'on']);
  const res = await postForm(baseUrl, fields, { authorization: `Bearer ${token}` });
  if (res.status !== 200) throw new Error(`publish answered ${res.status}: ${res.text}`);
  return res.text;
}

/** The path and query of a Mercure subscription, for `openStream(..., { path })` and browsers. */
export const MERCURE_PATH = '/.well-known/mercure';
