// @ts-nocheck
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import type { HttpRoute } from './handler.js';
import { methodNotAllowed } from './respond.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** Vite's content-hashed file names: safe to cache for a year. */
const HASHED = /[-.][A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/**
 * Serves a built web app (Vite's `web/dist`) for GET and HEAD: `/` is
 * `index.html`, other paths map to files under `root` and never outside it.
 * Hashed assets under `/assets/` are cached as immutable; everything else is
 * revalidated; other methods on an existing file answer 405. Returns undefined when `root` has no index.html, so a hub without
 * a built app simply has no such route. Unknown paths fall through (404 JSON).
 */
export function staticFilesRoute(root: string): HttpRoute | undefined {
  const base = resolve(root);
  if (!existsSync(resolve(base, 'index.html'))) return undefined;
  return (req, res, { url }) => {
    const file = resolveFile(base, url.pathname);
    if (!file) return false;
    let stats: ReturnType<typeof statSync>;
    try {
      stats = statSync(file);
    } catch {
      return false;
    }
    if (!stats.isFile()) return false;
    // The path exists: another method is the wrong method, not a missing page.
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed('GET, HEAD');
    const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    const immutable = url.pathname.startsWith('/assets/') && HASHED.test(url.pathname);
    const headers: Record<string, string | number> = {
      'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': stats.size,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ETag: etag,
      'Last-Modified': stats.mtime.toUTCString(),
      'X-Content-Type-Options': 'nosniff',
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { ETag: etag, 'Cache-Control': headers['Cache-Control'] as string }).end();
      return true;
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
    return true;
  };
}

/** The file a URL path names inside `base`; undefined for traversal attempts and bad encodings. */
function resolveFile(base: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (relative.split('/').some((part) => part === '..' || part.startsWith('.'))) return undefined;
  const file = resolve(base, relative);
  if (file !== base && !file.startsWith(base + sep)) return undefined;
  return file;
}
