/**
 * The pieces the routing model is built from: per-option material lookups,
 * refusal reasons, policy lookups that never reach Object.prototype, and a
 * growable typed array (a million columns' numbers in plain arrays would be
 * most of the model's memory).
 */
import { warmKgPerKg } from '../assess/materials.js';
import { type RouteFamily, routeYield } from '../assess/routes.js';
import { MatterlogError } from '../ledger/errors.js';
import type { RouteOption } from './network.js';
import { DEFAULT_TOLERANCE, type PolicyBody } from './policy.js';

/** Why an option cannot take a lot: too much foreign material, or nothing it recovers. */
export interface Refusal {
  option: number;
  /** Share of the lot that is contamination or material the route does not take. */
  foreign: number;
  tolerance: number;
  /** True when the share is tolerated but the route recovers none of the lot. */
  nothing: boolean;
}

export function refusalReason(r: Refusal): string {
  return r.nothing
    ? 'the route recovers none of the lot’s materials'
    : `${(100 * r.foreign).toFixed(1)}% of the lot is contamination or material the route does not take; it tolerates ${(100 * r.tolerance).toFixed(1)}%`;
}

export interface MaterialThrough {
  /** The route's yield for the material, 0 when it does not take it. */
  yield: number;
  /** kg CO2e per kg through the route's WARM pathway, or null. */
  warm: number | null;
  price: number;
}

export function materialThrough(o: RouteOption, m: string, price: number): MaterialThrough {
  const y = routeYield(o.route, m);
  return {
    yield: y ? y.yield : 0,
    warm: o.route.warmPathway ? warmKgPerKg(m, o.route.warmPathway) : null,
    price,
  };
}

/** EUR per tonne of recovered `m`: an exact id's price, else its family's (`family/*`), else 0. */
export function priceOf(prices: Record<string, number>, m: string): number {
  if (Object.hasOwn(prices, m)) return prices[m] as number;
  const family = `${m.slice(0, m.indexOf('/'))}/*`;
  return Object.hasOwn(prices, family) ? (prices[family] as number) : 0;
}

export class Growable {
  data: Float64Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Float64Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  done(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/** A record's own value for `key`: ids like "constructor" must not find Object.prototype's. */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The contamination a route family accepts under the policy, or matterlog's default for it. */
export function toleranceFor(policy: PolicyBody, family: RouteFamily): number {
  const t = own(policy.contaminationTolerance as Record<string, number> | undefined, family);
  if (t !== undefined) return t;
  if (!Object.hasOwn(DEFAULT_TOLERANCE, family))
    throw new MatterlogError('invalid_input', `unknown route family "${family}"`);
  return DEFAULT_TOLERANCE[family];
}
