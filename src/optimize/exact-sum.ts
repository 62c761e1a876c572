/**
 * Sums and dot products of doubles without accumulated rounding, for the
 * certificate checker: a duality gap is a small difference of two large sums,
 * and plain floating-point sums misstate it by orders of magnitude on large
 * models. `ExactSum` keeps the running sum as non-overlapping partials
 * (Shewchuk, "Adaptive Precision Floating-Point Arithmetic", 1997; the
 * algorithm of Python's math.fsum) and rounds once at the end; products are
 * split exactly with Dekker's TwoProduct (Veltkamp splitting), so a dot product
 * is the exact sum of exact products, rounded once.
 */

const SPLITTER = 134_217_729; // 2^27 + 1

/** a × b as hi + lo exactly (Dekker), for |a|, |b| below about 2^996. */
export function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const err = al * bl - (p - ah * bh - al * bh - ah * bl);
  return [p, err];
}

export class ExactSum {
  /** Non-overlapping partials, smallest first (a handful in practice; grown when needed). */
  private parts = new Float64Array(16);
  private count = 0;
  private special = 0;

  add(x: number): this {
    if (!Number.isFinite(x)) {
      this.special += x;
      return this;
    }
    const n = this.count;
    if (n === this.parts.length) {
      const grown = new Float64Array(2 * n);
      grown.set(this.parts);
      this.parts = grown;
    }
    const ps = this.parts;
    let i = 0;
    for (let k = 0; k < n; k++) {
      const p = ps[k] as number;
      const hi = x + p;
      const lo = Math.abs(x) < Math.abs(p) ? x - (hi - p) : p - (hi - x);
      if (lo !== 0) ps[i++] = lo;
      x = hi;
    }
    ps[i] = x;
    this.count = i + 1;
    return this;
  }

  /** Adds a × b exactly (TwoProduct inlined: this runs once or twice per column of a certificate). */
  addProduct(a: number, b: number): this {
    if (a === 0 || b === 0) return this;
    const p = a * b;
    if (!Number.isFinite(p)) return this.add(p);
    this.add(p);
    let t = SPLITTER * a;
    const ah = t - (t - a);
    const al = a - ah;
    t = SPLITTER * b;
    const bh = t - (t - b);
    const bl = b - bh;
    const e = al * bl - (p - ah * bh - al * bh - ah * bl);
    if (e !== 0) this.add(e);
    return this;
  }

  /** Adds another sum exactly (its partials), times `sign`. */
  addSum(other: ExactSum, sign: 1 | -1 = 1): this {
    for (let k = 0; k < other.count; k++) this.add(sign * (other.parts[k] as number));
    this.special += sign * other.special;
    return this;
  }

  /** Empties the sum, for reuse without allocating. */
  reset(): this {
    this.count = 0;
    this.special = 0;
    return this;
  }

  /** The sum, correctly rounded (round-half-even as in math.fsum). */
  value(): number {
    if (this.special !== 0 || Number.isNaN(this.special)) return this.special;
    const ps = this.parts;
    let n = this.count;
    if (n === 0) return 0;
    let hi = ps[--n] as number;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = ps[--n] as number;
      hi = x + y;
      lo = y - (hi - x);
      if (lo !== 0) break;
    }
    if (n > 0 && ((lo < 0 && (ps[n - 1] as number) < 0) || (lo > 0 && (ps[n - 1] as number) > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
    return hi;
  }
}

/** The correctly rounded sum of `xs`. */
export function exactSum(xs: Iterable<number>): number {
  const s = new ExactSum();
  for (const x of xs) s.add(x);
  return s.value();
}
