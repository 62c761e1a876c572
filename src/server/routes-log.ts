/**
 * The C2SP tlog-tiles read API: /checkpoint, /tile/<L>/<N>[.p/<W>] and
 * /tile/entries/<N>[.p/<W>], with the spec's content types and caching.
 */
import { gzipSync } from 'node:zlib';
import type { Hono } from 'hono';
import type { LogService } from '../app/log-service.js';
import { parseTilePath, TILE_WIDTH } from '../ledger/tiles.js';
import { LruCache } from '../log/lru.js';

/** Our byte arrays never sit on a SharedArrayBuffer; this tells the type system so. */
const body = (b: Uint8Array) => b as Uint8Array<ArrayBuffer>;

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
    if (/\bgzip\b/.test(c.req.header('Accept-Encoding') ?? '')) {
      const key = `${t.index}/${t.width}`;
      let zipped = t.width === TILE_WIDTH ? gzipped.get(key) : undefined;
      if (!zipped) {
        zipped = gzipSync(bundle, { level: 6 });
        if (t.width === TILE_WIDTH) gzipped.set(key, zipped);
      }
      headers['Content-Encoding'] = 'gzip';
      return c.body(body(zipped), 200, headers);
    }
    return c.body(body(bundle), 200, headers);
  });
}
