/**
 * RFC 9162 inclusion and consistency proofs: planned from the tree shape,
 * resolved from stored subtree hashes, and verified (sections 2.1.3.2, 2.1.4.2).
 *
 * Making a proof is split in two so that storage can be read in one round:
 * a *plan* names, for every proof element, the perfect subtrees whose right fold
 * is that element's hash; the caller fetches exactly those hashes (from tiles),
 * then `resolvePlan` folds them. Tree sizes and indices go up to 2^53, so all
 * index arithmetic is done with numbers, never 32-bit bitwise operators.
 */
import { bytesEqual } from './bytes.js';
import { MatterlogError } from './errors.js';
import { nodeHash, requireHash } from './hash.js';

/** The perfect subtree of 2^level leaves starting at leaf index × 2^level. */
export interface NodeId {
  level: number;
  index: number;
}

/** A proof element: the right fold of these perfect subtrees, left to right. */
export type PlannedHash = NodeId[];

function largestPowerOfTwoBelow(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}

function requireSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new MatterlogError('invalid_input', `${what} must be a non-negative integer, got ${n}`);
  }
}

/** The perfect subtrees that make up MTH(D[lo:hi]) for a range from the RFC 6962 recursion. */
export function rangeNodes(lo: number, hi: number): PlannedHash {
  const out: NodeId[] = [];
  while (lo < hi) {
    let size = 1;
    while (size * 2 <= hi - lo && lo % (size * 2) === 0) size *= 2;
    out.push({ level: Math.round(Math.log2(size)), index: lo / size });
    lo += size;
  }
  return out;
}

/** RFC 9162 2.1.3.1 PATH(m, D[0:n]), leaf-side element first. */
export function planInclusion(index: number, size: number): PlannedHash[] {
  requireSize(index, 'leaf index');
  requireSize(size, 'tree size');
  if (index >= size) {
    throw new MatterlogError('invalid_proof', `leaf index ${index} is not in a tree of size ${size}`);
  }
  const fromRoot: PlannedHash[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = largestPowerOfTwoBelow(hi - lo);
    if (index < lo + k) {
      fromRoot.push(rangeNodes(lo + k, hi));
      hi = lo + k;
    } else {
      fromRoot.push(rangeNodes(lo, lo + k));
      lo += k;
    }
  }
  return fromRoot.reverse();
}

/** RFC 9162 2.1.4.1 PROOF(m, D[0:n]); empty when m is 0 or m equals n. */
export function planConsistency(size1: number, size2: number): PlannedHash[] {
  requireSize(size1, 'first tree size');
  requireSize(size2, 'second tree size');
  if (size1 > size2) {
    throw new MatterlogError(
      'invalid_proof',
      `cannot prove consistency from size ${size1} to the smaller size ${size2}`,
    );
  }
  if (size1 === 0 || size1 === size2) return [];
  const fromRoot: PlannedHash[] = [];
  let m = size1;
  let lo = 0;
  let hi = size2;
  let complete = true; // SUBPROOF's b: is D[lo:lo+m] the whole old tree (whose root the verifier has)?
  while (m !== hi - lo) {
    const k = largestPowerOfTwoBelow(hi - lo);
    if (m <= k) {
      fromRoot.push(rangeNodes(lo + k, hi));
      hi = lo + k;
    } else {
      fromRoot.push(rangeNodes(lo, lo + k));
      m -= k;
      lo += k;
      complete = false;
    }
  }
  if (!complete) fromRoot.push(rangeNodes(lo, hi));
  return fromRoot.reverse();
}

/** Every distinct subtree a plan needs. */
export function planNodes(plan: PlannedHash[]): NodeId[] {
  const seen = new Map<string, NodeId>();
  for (const el of plan) for (const id of el) seen.set(`${id.level}/${id.index}`, id);
  return [...seen.values()];
}

/** Folds a plan into proof hashes, reading each subtree hash through `hashOf`. */
export function resolvePlan(plan: PlannedHash[], hashOf: (id: NodeId) => Uint8Array): Uint8Array[] {
  return plan.map((el) => {
    let acc = hashOf(el[el.length - 1] as NodeId);
    for (let i = el.length - 2; i >= 0; i--) acc = nodeHash(hashOf(el[i] as NodeId), acc);
    return acc;
  });
}

function fail(message: string, details: Record<string, unknown> = {}): never {
  throw new MatterlogError('invalid_proof', message, { details });
}

const isOdd = (n: number) => n % 2 === 1;
const isPowerOfTwo = (n: number) => n > 0 && 2 ** Math.round(Math.log2(n)) === n;
const half = (n: number) => Math.floor(n / 2);

/**
 * RFC 9162 2.1.3.2. Throws `invalid_proof` (or `invalid_hash_length`) unless
 * `leafHash` is the leaf at `index` in the tree of `size` whose root is `root`.
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  requireHash(leafHash, 'leaf hash');
  requireHash(root, 'root hash');
  for (const [i, p] of proof.entries()) requireHash(p, `inclusion proof element ${i}`);
  requireSize(index, 'leaf index');
  requireSize(size, 'tree size');
  if (index >= size) fail(`leaf index ${index} is not below tree size ${size}`, { index, size });
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) fail('inclusion proof is longer than the tree allows', { index, size });
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) fail('inclusion proof is shorter than the tree requires', { index, size });
  if (!bytesEqual(r, root)) fail('inclusion proof does not lead to the root hash', { index, size });
}

/**
 * RFC 9162 2.1.4.2 (with the trivial cases of sizes 0 and equal sizes). Throws
 * unless the tree of `size2` with root `root2` extends the tree of `size1` with `root1`.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  requireHash(root1, 'first root hash');
  requireHash(root2, 'second root hash');
  for (const [i, p] of proof.entries()) requireHash(p, `consistency proof element ${i}`);
  requireSize(size1, 'first tree size');
  requireSize(size2, 'second tree size');
  const details = { size1, size2 };
  if (size2 < size1) fail(`tree size went backwards from ${size1} to ${size2}`, details);
  if (size1 === size2) {
    if (proof.length !== 0) fail('a consistency proof between equal sizes must be empty', details);
    if (!bytesEqual(root1, root2)) fail(`two different roots for the same tree size ${size1}`, details);
    return;
  }
  if (size1 === 0) {
    if (proof.length !== 0) fail('a consistency proof from the empty tree must be empty', details);
    return;
  }
  if (proof.length === 0) fail('consistency proof is empty', details);
  // An exact power-of-two test: Math.log2 rounds, and calls 2^49 + 1 a power of two.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Uint8Array;
  let sr = path[0] as Uint8Array;
  for (const c of path.slice(1)) {
    if (sn === 0) fail('consistency proof is longer than the trees allow', details);
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) fail('consistency proof is shorter than the trees require', details);
  if (!bytesEqual(fr, root1)) fail('consistency proof does not lead to the first root', details);
  if (!bytesEqual(sr, root2)) fail('consistency proof does not lead to the second root', details);
}
