/**
 * The C2SP tlog-tiles read API: /checkpoint, /tile/<L>/<N>[.p/<W>] and
 * /tile/entries/<N>[.p/<W>], with the spec's content types and caching.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Hono } from 'hono';
import type { LogService } from '../app/log-service.js';
import { parseTilePath } from '../ledger/tiles.js';
import { LruCache } from '../log/lru.js';

/** Our byte arrays never sit on a SharedArrayBuffer; this tells the type system so. */
const body = (b: Uint8Array) => b as Uint8Array<ArrayBuffer>;

const gzipAsync = promisify(gzip);

/** Does an Accept-Encoding header accept gzip (RFC 9110 section 12.5.3, q-values included)? */
export function acceptsGzip(header: string | undefined): boolean {
  let star = false;
  for (const part of (header ?? '').toLowerCase().split(',')) {
    const [coding, ...params] = part
      .trim()
      .split(';')
      .map((x) => x.trim());
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (coding === 'gzip' || coding === 'x-gzip') return weight > 0;
    if (coding === '*') star = weight > 0;
  }
  return star;
}

export const IMMUTABLE = 'public, max-age=31536000, immutable';

export function logRoutes(app: Hono, log: LogService): void {
  const gzipped = new LruCache<Uint8Array>(32 * 1024 * 1024, (v) => v.length);

  app.get('/checkpoint', async (c) => {
    const cp = await log.reader.checkpoint();
    return c.body(cp.note, 200, {
      'Content-Type': 'text/plain; charset=utf-8',
      // Mutable: clients must see new checkpoints within seconds.
      'Cache-Control': 'no-cache',
    });
  });

  app.get('/tile/*', async (c) => {
    const t = parseTilePath(c.req.path.slice(1));
    const headers: Record<string, string> = {
      'Content-Type': 'application/octet-stream',
      // A tile or bundle of a given width never changes, full or partial.
      'Cache-Control': IMMUTABLE,
    };
    if (t.level !== 'entries') {
      return c.body(body(await log.reader.tile(t.level, t.index, t.width)), 200, headers);
    }
    const bundle = await log.reader.entryBundle(t.index, t.width);
    headers['Vary'] = 'Accept-Encoding';
    if (acceptsGzip(c.req.header('Accept-Encoding'))) {
      // Any (index, width) bundle is immutable, so its compressed form is cached
      // too; compression runs off the event loop.
      const key = `${t.index}/${t.width}`;
      let zipped = gzipped.get(key);
      if (!zipped) {
        zipped = await gzipAsync(bundle, { level: 6 });
        gzipped.set(key, zipped);
      }
      headers['Content-Encoding'] = 'gzip';
      return c.body(body(zipped), 200, headers);
    }
    return c.body(body(bundle), 200, headers);
  });
}
