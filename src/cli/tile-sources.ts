/**
 * Where a verifying client reads a log from: a server over HTTP(S), or a
 * directory holding a static copy (what "matterlog export-tiles" writes).
 * A missing partial tile falls back to the full one, as tlog-tiles allows logs
 * to delete partial tiles once the full tile exists.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { entryBundlePrefix } from '../ledger/entry-bundle.js';
import { isMatterlogError, MatterlogError } from '../ledger/errors.js';
import { TILE_WIDTH, tilePath } from '../ledger/tiles.js';
import type { TileSource } from '../ledger/tree-audit.js';
import { getBytes, getText, joinUrl } from './http-client.js';

export interface LogSource extends TileSource {
  readonly location: string;
  checkpoint(): Promise<string>;
}

async function withFullTileFallback(
  get: (p: string) => Promise<Uint8Array>,
  level: number | 'entries',
  index: number,
  width: number,
  slice: (full: Uint8Array) => Uint8Array,
): Promise<Uint8Array> {
  try {
    return await get(tilePath({ level, index, width }));
  } catch (e) {
    if (width === TILE_WIDTH || !isMatterlogError(e, 'not_found')) throw e;
    return slice(await get(tilePath({ level, index, width: TILE_WIDTH })));
  }
}

function makeSource(
  location: string,
  get: (p: string) => Promise<Uint8Array>,
  checkpoint: () => Promise<string>,
): LogSource {
  return {
    location,
    checkpoint,
    tile: (level, index, width) => withFullTileFallback(get, level, index, width, (f) => f.subarray(0, width * 32)),
    bundle: (index, width) => withFullTileFallback(get, 'entries', index, width, (f) => entryBundlePrefix(f, width)),
  };
}

export function httpSource(url: string): LogSource {
  return makeSource(
    url,
    (p) => getBytes(joinUrl(url, p)),
    () => getText(joinUrl(url, 'checkpoint')),
  );
}

export function directorySource(dir: string): LogSource {
  const get = async (p: string) => {
    try {
      return new Uint8Array(await readFile(path.join(dir, p)));
    } catch (cause) {
      if ((cause as { code?: string }).code === 'ENOENT')
        throw new MatterlogError('not_found', `${path.join(dir, p)} does not exist`);
      throw new MatterlogError('unavailable', `cannot read ${path.join(dir, p)}: ${(cause as Error).message}`, {
        cause,
      });
    }
  };
  return makeSource(dir, get, async () => new TextDecoder().decode(await get('checkpoint')));
}

export function sourceFor(target: string): LogSource {
  return /^https?:\/\//.test(target) ? httpSource(target) : directorySource(target);
}
