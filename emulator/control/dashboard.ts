/**
 * The dashboard's static files: built by `scripts/build-ui.ts` into `dist/ui/` and served from
 * there, so it works offline (no CDN; the page's content security policy allows its own origin
 * only). Nothing is read at start-up: the folder is listed on the first request, and each file is
 * read once and kept.
 *
 * Only the files the build wrote are served, looked up by exact name in that listing, so no path
 * the client sends (`..`, encoded slashes, absolute paths) can reach another file: anything else
 * is 404 in the live envelope.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { ApiError, Codes } from '../http/errors.js';
import { RawResponse } from '../http/route.js';
import { fromPackageRoot } from '../paths.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The page talks to its own origin only: no CDN, nothing fetched from elsewhere. */
const PAGE_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";

export const INDEX_FILE = 'index.html';

export function defaultUiDir(): string {
  return fromPackageRoot('dist', 'ui');
}

export class DashboardAssets {
  private listing: Set<string> | undefined;
  private readonly cache = new Map<string, RawResponse>();

  constructor(private readonly dir: string = defaultUiDir()) {}

  /** The page itself. */
  index(): RawResponse {
    return this.asset(INDEX_FILE);
  }

  asset(name: string): RawResponse {
    const cached = this.cache.get(name);
    if (cached) return cached;
    const files = this.files();
    if (!files.has(name)) throw new ApiError(404, Codes.notFound, `The dashboard has no file named ${JSON.stringify(name)}.`);
    const type = CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
    const headers: Record<string, string> = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };
    if (name === INDEX_FILE) headers['content-security-policy'] = PAGE_POLICY;
    const response = new RawResponse(readFileSync(join(this.dir, name)), type, 200, headers);
    this.cache.set(name, response);
    return response;
  }

  private files(): Set<string> {
    if (this.listing) return this.listing;
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((n) => !n.startsWith('.') && statSync(join(this.dir, n)).isFile());
    } catch {
      throw new ApiError(404, Codes.notFound, `The dashboard is not built (no ${this.dir}): run npm run build.`);
    }
    if (!names.includes(INDEX_FILE))
      throw new ApiError(404, Codes.notFound, `The dashboard is not built (no ${INDEX_FILE} in ${this.dir}): run npm run build.`);
    this.listing = new Set(names);
    return this.listing;
  }
}
