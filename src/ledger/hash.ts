/**
 * RFC 6962 section 2.1 / RFC 9162 section 2.1.1 Merkle tree hashing.
 */
import { sha256 } from './crypto.js';
import { MatterlogError } from './errors.js';

export const HASH_SIZE = 32;

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

/** MTH of the empty tree: SHA-256 of the empty string. */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}

/** SHA-256(0x00 || entry). */
export function leafHash(entry: Uint8Array): Uint8Array {
  return sha256(LEAF_PREFIX, entry);
}

/** SHA-256(0x01 || left || right). Lengths are not checked here: see `requireHash`. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(NODE_PREFIX, left, right);
}

/**
 * Rejects anything that is not exactly one SHA-256 hash. RFC 9162's algorithms do
 * not check lengths, and a proof with a 31- or 33-byte "hash" must never verify.
 */
export function requireHash(h: Uint8Array, what: string): Uint8Array {
  if (h.length !== HASH_SIZE) {
    throw new MatterlogError(
      'invalid_hash_length',
      `${what} is ${h.length} bytes long; every hash must be exactly ${HASH_SIZE} bytes`,
      { details: { length: h.length } },
    );
  }
  return h;
}
