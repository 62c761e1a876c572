/**
 * The node:crypto provider for src/ledger/crypto.ts: same bytes as the pure
 * JavaScript default, several times faster for Ed25519.
 */
import { createPrivateKey, createPublicKey, hash, type KeyObject, sign, verify } from 'node:crypto';
import { type CryptoProvider, setCryptoProvider } from '../ledger/crypto.js';

// DER prefixes that wrap a raw 32-byte Ed25519 key as PKCS#8 / SPKI (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject>();

function cached(map: Map<string, KeyObject>, raw: Uint8Array, make: (der: Buffer) => KeyObject, prefix: Buffer) {
  const k = Buffer.from(raw).toString('base64');
  let key = map.get(k);
  if (!key) {
    key = make(Buffer.concat([prefix, raw]));
    if (map.size > 10_000) map.clear();
    map.set(k, key);
  }
  return key;
}

const privateKey = (seed: Uint8Array) =>
  cached(privateKeys, seed, (der) => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), PKCS8_PREFIX);
const publicKey = (pub: Uint8Array) =>
  cached(publicKeys, pub, (der) => createPublicKey({ key: der, format: 'der', type: 'spki' }), SPKI_PREFIX);

export const nodeCryptoProvider: CryptoProvider = {
  // One-shot hashing: a Hash object per call made proofs (hundreds of node
  // hashes each) spend their p99 in garbage collection.
  sha256: (...parts) => hash('sha256', parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts), 'buffer'),
  ed25519Sign: (seed, message) => new Uint8Array(sign(null, message, privateKey(seed))),
  ed25519Verify(pub, message, signature) {
    if (pub.length !== 32 || signature.length !== 64) return false;
    try {
      return verify(null, message, publicKey(pub), signature);
    } catch {
      return false;
    }
  },
  ed25519PublicKey(seed) {
    const der = createPublicKey(privateKey(seed)).export({ format: 'der', type: 'spki' });
    return new Uint8Array(der.subarray(SPKI_PREFIX.length));
  },
};

export function useNodeCrypto(): void {
  setCryptoProvider(nodeCryptoProvider);
}
