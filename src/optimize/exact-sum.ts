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
  private partials: number[] = [];
  private special = 0;

  add(x: number): this {
    if (!Number.isFinite(x)) {
      this.special += x;
      return this;
    }
    let i = 0;
    for (const p of this.partials) {
      let hi = x + p;
      let lo: number;
      if (Math.abs(x) < Math.abs(p)) lo = x - (hi - p);
      else lo = p - (hi - x);
      if (lo !== 0) this.partials[i++] = lo;
      x = hi;
      hi = 0;
    }
    this.partials.length = i;
    this.partials.push(x);
    return this;
  }

  /** Adds a × b exactly. */
  addProduct(a: number, b: number): this {
    if (a === 0 || b === 0) return this;
    const [p, e] = twoProduct(a, b);
    if (!Number.isFinite(p)) return this.add(p);
    this.add(p);
    if (e !== 0) this.add(e);
    return this;
  }

  /** The sum, correctly rounded (round-half-even as in math.fsum). */
  value(): number {
    if (this.special !== 0 || Number.isNaN(this.special)) return this.special;
    const ps = this.partials;
    let n = ps.length;
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
