/**
 * C2SP tlog-checkpoint note text: origin, tree size, base64 root, optional
 * extension lines; and opening a signed checkpoint against the log's key.
 */
import { bytesEqual, fromBase64, toBase64 } from './bytes.js';
import { MatterlogError } from './errors.js';
import { requireHash } from './hash.js';
import { type NoteVerifier, type OpenedNote, openNote } from './note.js';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions?: string[];
}

export function formatCheckpoint(c: Checkpoint): string {
  if (c.origin.length === 0 || c.origin.includes('\n')) {
    throw new MatterlogError('invalid_input', 'checkpoint origin must be one non-empty line');
  }
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new MatterlogError('invalid_input', `bad tree size ${c.size}`);
  requireHash(c.root, 'checkpoint root');
  const ext = c.extensions ?? [];
  for (const e of ext) {
    if (e.length === 0 || e.includes('\n'))
      throw new MatterlogError('invalid_input', 'checkpoint extension lines must be non-empty single lines');
  }
  return [c.origin, String(c.size), toBase64(c.root), ...ext].map((l) => `${l}\n`).join('');
}

/** Parses checkpoint note text strictly (it is the body of a signed note, ending in newline). */
export function parseCheckpoint(text: string): Checkpoint {
  const bad = (why: string) => new MatterlogError('invalid_input', `malformed checkpoint: ${why}`);
  if (!text.endsWith('\n')) throw bad('text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw bad('expected origin, size and root lines');
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) throw bad('empty origin line');
  if (!/^(0|[1-9][0-9]*)$/.test(size)) throw bad(`tree size "${size}" is not a decimal without leading zeros`);
  const n = Number(size);
  if (!Number.isSafeInteger(n)) throw bad(`tree size ${size} is too large`);
  let rootHash: Uint8Array;
  try {
    rootHash = requireHash(fromBase64(root), 'checkpoint root');
  } catch (cause) {
    throw new MatterlogError('invalid_input', `malformed checkpoint: root "${root}" is not a base64 SHA-256 hash`, {
      cause,
    });
  }
  if (extensions.some((e) => e.length === 0)) throw bad('extension lines must be non-empty');
  return extensions.length > 0 ? { origin, size: n, root: rootHash, extensions } : { origin, size: n, root: rootHash };
}

export interface OpenedCheckpoint extends Checkpoint {
  note: OpenedNote;
}

/**
 * Opens a signed checkpoint: the log's own signature must verify (other verifiers,
 * e.g. witnesses, may be passed too) and the origin must be the expected one.
 */
export function openCheckpoint(
  signed: string | Uint8Array,
  logVerifier: NoteVerifier,
  others: readonly NoteVerifier[] = [],
): OpenedCheckpoint {
  const note = openNote(signed, [logVerifier, ...others]);
  if (!note.verified.some((s) => s.name === logVerifier.name && bytesEqual(s.keyId, logVerifier.keyId))) {
    throw new MatterlogError(
      'invalid_signature',
      `the checkpoint carries no valid signature by the log key "${logVerifier.name}"`,
    );
  }
  const c = parseCheckpoint(note.text);
  if (c.origin !== logVerifier.name) {
    throw new MatterlogError(
      'invalid_signature',
      `checkpoint origin "${c.origin}" is not the log "${logVerifier.name}"`,
    );
  }
  return { ...c, note };
}
