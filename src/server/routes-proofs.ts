/**
 * Proofs for clients that do not read tiles: inclusion by leaf index or leaf
 * hash (as JSON, or as a C2SP tlog-proof), and consistency between two sizes.
 */
import type { Context, Hono } from 'hono';
import type { LogService } from '../app/log-service.js';
import { fromBase64, fromHex, toBase64 } from '../ledger/bytes.js';
import { MatterlogError } from '../ledger/errors.js';
import { formatTlogProof } from '../ledger/tlog-proof.js';

function intParam(c: Context, name: string, required: boolean): number | undefined {
  const v = c.req.query(name);
  if (v === undefined || v === '') {
    if (required) throw new MatterlogError('invalid_input', `query parameter "${name}" is required`);
    return undefined;
  }
  if (!/^(0|[1-9][0-9]*)$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw new MatterlogError('invalid_input', `query parameter "${name}" must be a non-negative integer, got "${v}"`);
  }
  return Number(v);
}

/** A leaf hash as 64 hex digits or (URL-safe or standard) base64. */
export function parseHashParam(v: string): Uint8Array {
  if (/^[0-9a-fA-F]{64}$/.test(v)) return fromHex(v);
  const std = v.replace(/-/g, '+').replace(/_/g, '/');
  const padded = std.length % 4 === 0 ? std : std + '='.repeat(4 - (std.length % 4));
  try {
    return fromBase64(padded);
  } catch {
    throw new MatterlogError('invalid_input', `"${v}" is neither 64 hex digits nor base64 of a 32-byte hash`);
  }
}

export function proofRoutes(app: Hono, log: LogService): void {
  app.get('/proof/inclusion', async (c) => {
    const size = intParam(c, 'size', false);
    const leaf = c.req.query('leaf_hash');
    const index = intParam(c, 'index', leaf === undefined);
    if (leaf !== undefined && index !== undefined) {
      throw new MatterlogError('invalid_input', 'give either "index" or "leaf_hash", not both');
    }
    const p =
      leaf !== undefined
        ? await log.reader.inclusionProofByLeafHash(parseHashParam(leaf), size)
        : await log.reader.inclusionProof(index as number, size);
    const checkpoint = p.checkpoint;
    if (c.req.query('format') === 'tlog-proof') {
      if (!checkpoint) {
        throw new MatterlogError(
          'not_found',
          `the log signed no checkpoint at size ${p.treeSize}; omit "size" to prove against the latest`,
        );
      }
      return c.body(formatTlogProof({ index: p.index, proof: p.proof, checkpoint }), 200, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Cache-Control': 'no-cache',
      });
    }
    return c.json({
      index: p.index,
      treeSize: p.treeSize,
      leafHash: toBase64(p.leafHash),
      proof: p.proof.map(toBase64),
      checkpoint,
    });
  });

  app.get('/proof/consistency', async (c) => {
    const from = intParam(c, 'from', true) as number;
    const to = intParam(c, 'to', false);
    const p = await log.reader.consistencyProof(from, to);
    return c.json({ size1: p.size1, size2: p.size2, proof: p.proof.map(toBase64) });
  });
}
