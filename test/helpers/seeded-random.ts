/**
 * Seeded randomness for tests that explore schedules (crash points, fault
 * points), so a failing run can be replayed: every such test prints its seed and
 * reads it back from an environment variable.
 */

/** Mulberry32: small, fast, good enough to pick schedules. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Rng {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

export function seededRng(seed: number): Rng {
  const next = mulberry32(seed);
  return {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
  };
}

/**
 * The seed for a test: `envVar` if set (to replay a failure), otherwise a fresh
 * one. It is printed either way so that any failure can be reproduced.
 */
export function testSeed(envVar: string, what: string): number {
  const given = process.env[envVar];
  const seed = given !== undefined && given !== '' ? Number(given) >>> 0 : Math.floor(Math.random() * 2 ** 32);
  console.info(`${what}: seed ${seed} (replay with ${envVar}=${seed})`);
  return seed;
}
