/**
 * C2SP tlog-cosignature, Ed25519 (signature type 0x04): a witness's timestamped
 * statement that a checkpoint is the largest consistent one it has seen.
 */
import { concatBytes, toBase64, toHex, utf8 } from './bytes.js';
import { cryptoProvider } from './crypto.js';
import { MatterlogError } from './errors.js';
import { checkKeyName, computeKeyId, type NoteSignature, type NoteVerifier, SIG_TYPE_COSIGNATURE_V1 } from './note.js';

const MAX_TIMESTAMP = 2n ** 63n - 1n;

/** The message a v1 cosignature signs: header, time line, then the checkpoint text. */
export function cosignedMessage(checkpointText: string, timestamp: number): Uint8Array {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new MatterlogError('invalid_input', `cosignature timestamp must be a non-negative integer, got ${timestamp}`);
  }
  return utf8(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`);
}

export interface Cosigner {
  name: string;
  keyId: Uint8Array;
  publicKey: Uint8Array;
  /** `name+hash+base64(0x04||pub)`. */
  vkey: string;
  /** Signs the checkpoint text at `timestamp` (POSIX seconds). */
  cosign(checkpointText: string, timestamp: number): NoteSignature;
}

export function ed25519Cosigner(name: string, seed: Uint8Array): Cosigner {
  checkKeyName(name);
  const publicKey = cryptoProvider().ed25519PublicKey(seed);
  const keyId = computeKeyId(name, SIG_TYPE_COSIGNATURE_V1, publicKey);
  return {
    name,
    keyId,
    publicKey,
    vkey: `${name}+${toHex(keyId)}+${toBase64(concatBytes(new Uint8Array([SIG_TYPE_COSIGNATURE_V1]), publicKey))}`,
    cosign(checkpointText, timestamp) {
      const sig = cryptoProvider().ed25519Sign(seed, cosignedMessage(checkpointText, timestamp));
      const ts = new Uint8Array(8);
      new DataView(ts.buffer).setBigUint64(0, BigInt(timestamp));
      return { name, keyId, signature: concatBytes(ts, sig) };
    },
  };
}

/** The timestamp of a 72-byte timestamped_signature, or null when malformed. */
export function cosignatureTimestamp(signature: Uint8Array): number | null {
  if (signature.length !== 72) return null;
  const t = new DataView(signature.buffer, signature.byteOffset, 8).getBigUint64(0);
  if (t > MAX_TIMESTAMP || t > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(t);
}

/**
 * A note verifier for a cosigner: plug it into `openNote` / `openCheckpoint` beside
 * the log's key. It checks the Ed25519 signature over the cosigned message.
 */
export function cosignatureVerifier(name: string, publicKey: Uint8Array): NoteVerifier {
  checkKeyName(name);
  return {
    name,
    keyId: computeKeyId(name, SIG_TYPE_COSIGNATURE_V1, publicKey),
    verify(text, signature) {
      const ts = cosignatureTimestamp(signature);
      if (ts === null) return false;
      const textStr = new TextDecoder().decode(text);
      return cryptoProvider().ed25519Verify(publicKey, cosignedMessage(textStr, ts), signature.subarray(8));
    },
  };
}
