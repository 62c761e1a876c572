/**
 * tlog-tiles entry bundles: big-endian uint16 length-prefixed entries.
 */
import { MatterlogError } from './errors.js';

/** One tlog-tiles entry holds at most this many bytes (a uint16 length prefix). */
export const MAX_ENTRY_SIZE = 0xffff;

export function checkEntrySize(entry: Uint8Array, where = 'entry'): void {
  if (entry.length > MAX_ENTRY_SIZE) {
    throw new MatterlogError(
      'entry_too_large',
      `${where} is ${entry.length} bytes; a log entry holds at most ${MAX_ENTRY_SIZE} bytes (store large documents by digest)`,
      { details: { size: entry.length, max: MAX_ENTRY_SIZE } },
    );
  }
}

export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const e of entries) {
    checkEntrySize(e);
    n += 2 + e.length;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const e of entries) {
    out[o] = e.length >> 8;
    out[o + 1] = e.length & 0xff;
    out.set(e, o + 2);
    o += 2 + e.length;
  }
  return out;
}

/** Splits a bundle into its entries; trailing garbage or a truncated entry is an error. */
export function decodeEntryBundle(bundle: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 0;
  while (o < bundle.length) {
    if (o + 2 > bundle.length) throw new MatterlogError('invalid_input', `entry bundle truncated at byte ${o}`);
    const len = ((bundle[o] as number) << 8) | (bundle[o + 1] as number);
    if (o + 2 + len > bundle.length) {
      throw new MatterlogError(
        'invalid_input',
        `entry bundle truncated: entry ${out.length} needs ${len} bytes at ${o + 2}`,
      );
    }
    out.push(bundle.subarray(o + 2, o + 2 + len));
    o += 2 + len;
  }
  return out;
}

/** The first `width` entries of a bundle, as a bundle: what the partial bundle of that width holds. */
export function entryBundlePrefix(bundle: Uint8Array, width: number): Uint8Array {
  let o = 0;
  for (let i = 0; i < width; i++) {
    if (o + 2 > bundle.length)
      throw new MatterlogError('invalid_input', `entry bundle holds fewer than ${width} entries`);
    o += 2 + (((bundle[o] as number) << 8) | (bundle[o + 1] as number));
  }
  if (o > bundle.length) throw new MatterlogError('invalid_input', `entry bundle truncated before entry ${width}`);
  return bundle.subarray(0, o);
}
