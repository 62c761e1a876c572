/**
 * A deliberately naive RFC 6962 tree, written straight from the RFC's recursive
 * definitions, to check the real (incremental, tiled) code against.
 */
import { createHash } from 'node:crypto';

export function refSha(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export const refLeaf = (d: Uint8Array) => refSha(new Uint8Array([0]), d);
export const refNode = (l: Uint8Array, r: Uint8Array) => refSha(new Uint8Array([1]), l, r);

function k(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}

/** MTH over leaf hashes. */
export function refRoot(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return refSha();
  if (leaves.length === 1) return leaves[0] as Uint8Array;
  const s = k(leaves.length);
  return refNode(refRoot(leaves.slice(0, s)), refRoot(leaves.slice(s)));
}

export function refPath(m: number, leaves: Uint8Array[]): Uint8Array[] {
  if (leaves.length <= 1) return [];
  const s = k(leaves.length);
  return m < s
    ? [...refPath(m, leaves.slice(0, s)), refRoot(leaves.slice(s))]
    : [...refPath(m - s, leaves.slice(s)), refRoot(leaves.slice(0, s))];
}

function subproof(m: number, leaves: Uint8Array[], b: boolean): Uint8Array[] {
  const n = leaves.length;
  if (m === n) return b ? [] : [refRoot(leaves)];
  const s = k(n);
  return m <= s
    ? [...subproof(m, leaves.slice(0, s), b), refRoot(leaves.slice(s))]
    : [...subproof(m - s, leaves.slice(s), false), refRoot(leaves.slice(0, s))];
}

export function refConsistency(m: number, leaves: Uint8Array[]): Uint8Array[] {
  return m === 0 ? [] : subproof(m, leaves, true);
}

export function entriesFor(n: number, prefix = 'entry-'): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => new TextEncoder().encode(`${prefix}${i}`));
}
