/**
 * C2SP tlog-proof@v1: a self-contained, offline-verifiable proof that an entry is
 * in a log: the index, the inclusion proof and the signed checkpoint verbatim.
 */
import { fromBase64, toBase64 } from './bytes.js';
import { type OpenedCheckpoint, openCheckpoint } from './checkpoint.js';
import { MatterlogError } from './errors.js';
import { requireHash } from './hash.js';
import type { NoteVerifier } from './note.js';
import { verifyInclusion } from './proof.js';

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

export interface TlogProof {
  extra?: Uint8Array;
  index: number;
  proof: Uint8Array[];
  /** The signed checkpoint note, verbatim. */
  checkpoint: string;
}

export function formatTlogProof(p: TlogProof): string {
  const lines = [TLOG_PROOF_HEADER];
  if (p.extra) lines.push(`extra ${toBase64(p.extra)}`);
  lines.push(`index ${p.index}`);
  for (const h of p.proof) lines.push(toBase64(requireHash(h, 'proof hash')));
  return `${lines.join('\n')}\n\n${p.checkpoint}`;
}

export function parseTlogProof(text: string): TlogProof {
  const bad = (why: string) => new MatterlogError('invalid_input', `malformed tlog-proof: ${why}`);
  const split = text.indexOf('\n\n');
  if (split < 0) throw bad('no blank line before the checkpoint');
  const head = text.slice(0, split).split('\n');
  const checkpoint = text.slice(split + 2);
  if (head[0] !== TLOG_PROOF_HEADER) throw bad(`first line must be ${TLOG_PROOF_HEADER}`);
  let i = 1;
  let extra: Uint8Array | undefined;
  if (head[i]?.startsWith('extra ')) extra = fromBase64((head[i++] as string).slice(6));
  const m = /^index (0|[1-9][0-9]*)$/.exec(head[i++] ?? '');
  if (!m) throw bad('missing or malformed index line');
  const index = Number(m[1]);
  if (!Number.isSafeInteger(index)) throw bad('index too large');
  const proof = head.slice(i).map((l, k) => requireHash(fromBase64(l), `proof hash ${k}`));
  return extra ? { extra, index, proof, checkpoint } : { index, proof, checkpoint };
}

/**
 * Verifies a tlog-proof for an entry whose leaf hash the caller computed:
 * the checkpoint's log signature (and any known cosignatures), then inclusion.
 */
export function verifyTlogProof(
  text: string,
  leafHash: Uint8Array,
  logVerifier: NoteVerifier,
  witnesses: readonly NoteVerifier[] = [],
): { proof: TlogProof; checkpoint: OpenedCheckpoint } {
  const proof = parseTlogProof(text);
  const checkpoint = openCheckpoint(proof.checkpoint, logVerifier, witnesses);
  verifyInclusion(leafHash, proof.index, checkpoint.size, proof.proof, checkpoint.root);
  return { proof, checkpoint };
}
