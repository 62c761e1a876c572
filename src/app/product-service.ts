/**
 * Products, producers and the routes operators published, answered from the
 * read model: a product's passport versions, its assessment against the
 * catalog's routes or a plant's own, and a producer's portfolio (what it placed
 * on the market, by recyclability grade and period, with the flags it raises).
 */
import {
  assessPassport,
  type Flag,
  LOW_RECYCLABILITY_THRESHOLD,
  type PassportAssessment,
  type PortfolioPeriod,
  risingNonRecyclableShare,
} from '../assess/assessment.js';
import type { PassportBody } from '../assess/passport.js';
import { type FacilityBody, type RouteBody, resolveRoute } from '../assess/route-statement.js';
import { ROUTES, type RouteEntry } from '../assess/routes.js';
import { MatterlogError } from '../ledger/errors.js';
import { digitalLinkGtin, normaliseGtin } from '../statements/gs1.js';
import type { PassportSummary, ReadModelStore, RecordRow } from '../store/read-model.js';

export type Period = 'month' | 'quarter' | 'year';
export const PERIODS: readonly Period[] = ['month', 'quarter', 'year'];
export const GRADES = ['A', 'B', 'C', 'non-recyclable'] as const;

/** A GTIN (8 to 14 digits) or a GS1 Digital Link naming one, as GTIN-14. */
export function productId(id: string): string {
  const gtin = normaliseGtin(id) ?? digitalLinkGtin(id);
  if (!gtin) {
    throw new MatterlogError(
      'invalid_input',
      `"${id}" is not a product id: give a GTIN-8, -12, -13 or -14 with its check digit, or a GS1 Digital Link (…/01/<gtin>)`,
      { details: { parameter: 'product' } },
    );
  }
  return gtin;
}

export interface VersionInfo {
  index: number;
  version: string;
  replaces: string | null;
  producer: string;
  issued: string;
  validFrom: string;
  massKg: number;
  /** Under the catalog's default routes, computed when the version was indexed. */
  share: number;
  grade: string;
}

export interface ProductAssessment {
  product: string;
  version: VersionInfo;
  /** The routes the product was assessed against. */
  routes: string[];
  passport: PassportBody;
  assessment: PassportAssessment;
}

export interface PortfolioPeriodTotal {
  period: string;
  units: number;
  totalKg: number;
  byGrade: Record<(typeof GRADES)[number], number>;
  nonRecyclableKg: number;
  nonRecyclableShare: number | null;
  /** Units placed on the market before any passport version applied: their mass is unknown. */
  unassessedUnits: number;
}

export interface Portfolio {
  producer: string;
  period: Period;
  products: {
    total: number;
    /** Products by the grade of their latest version. */
    byGrade: Record<(typeof GRADES)[number], number>;
    /** Latest versions below grade C, lowest share first (at most 100 listed). */
    lowRecyclability: { product: string; version: string; share: number }[];
    lowRecyclabilityCount: number;
    /** Products whose latest version is less recyclable than the one it replaced. */
    regressions: { product: string; version: string; share: number; previousVersion: string; previousShare: number }[];
  };
  periods: PortfolioPeriodTotal[];
  flags: Flag[];
}

const iso = (ms: number) => new Date(ms).toISOString();

function info(r: PassportSummary): VersionInfo {
  return {
    index: r.index,
    version: r.version,
    replaces: r.replaces,
    producer: r.producer,
    issued: iso(r.issuedMs),
    validFrom: iso(r.validFromMs),
    massKg: r.massKg,
    share: r.share,
    grade: r.grade,
  };
}

function periodOf(month: string, period: Period): string {
  if (period === 'month') return month;
  const year = month.slice(0, 4);
  return period === 'year' ? year : `${year}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`;
}

const byGrade = () => ({ A: 0, B: 0, C: 0, 'non-recyclable': 0 });

export class ProductService {
  constructor(private readonly readModel: ReadModelStore) {}

  /** Every passport version of a product, oldest first; `not_found` when it has none. */
  async versions(id: string): Promise<{ product: string; versions: VersionInfo[] }> {
    const product = productId(id);
    const rows = await this.readModel.passports([product]);
    if (rows.length === 0) {
      throw new MatterlogError('not_found', `no passport for product ${product} is in the log`);
    }
    return { product, versions: rows.map(info) };
  }

  /**
   * The routes to assess against: the catalog's (default), the ids given
   * (catalog routes or routes operators published), or those of one facility
   * (its own route statements and the catalog routes it lists).
   */
  async routes(options: { routes?: readonly string[]; facility?: string } = {}): Promise<RouteEntry[]> {
    if (options.routes && options.facility) {
      throw new MatterlogError('invalid_input', 'give either routes or a facility, not both', {
        details: { parameter: 'facility' },
      });
    }
    if (options.facility !== undefined) {
      const [site] = await this.readModel.records('facility', { keys: [options.facility] });
      if (!site) throw new MatterlogError('not_found', `no facility "${options.facility}" is in the log`);
      const own = await this.readModel.records('route', { facility: options.facility });
      const listed = ((JSON.parse(site.json) as FacilityBody).routes ?? []).filter(
        (id) => !own.some((r) => r.key === id),
      );
      let catalogListed: RouteEntry[];
      try {
        catalogListed = await this.routes({ routes: listed });
      } catch (e) {
        throw new MatterlogError(
          'not_found',
          `facility "${options.facility}" lists routes the log does not know (${listed.join(', ')}): ${(e as Error).message}`,
          { cause: e },
        );
      }
      const routes = [...own.map(routeOf), ...catalogListed];
      if (routes.length === 0) {
        throw new MatterlogError('not_found', `facility "${options.facility}" runs no route the log knows of`);
      }
      return routes;
    }
    if (!options.routes) return [...ROUTES];
    const ids = [...new Set(options.routes)];
    const published = await this.readModel.records('route', {
      keys: ids.filter((id) => !ROUTES.some((r) => r.id === id)),
    });
    return ids.map((id) => {
      const catalog = ROUTES.find((r) => r.id === id);
      if (catalog) return catalog;
      const record = published.find((r) => r.key === id);
      if (!record) {
        throw new MatterlogError(
          'invalid_input',
          `unknown route "${id}": neither a catalog route (GET /catalog) nor a route published in the log (GET /routes)`,
          { details: { parameter: 'routes' } },
        );
      }
      return routeOf(record);
    });
  }

  /** A product's assessment: its latest version (or the one named) against the routes chosen. */
  async assess(
    id: string,
    options: { version?: string; routes?: readonly string[]; facility?: string } = {},
  ): Promise<ProductAssessment> {
    const product = productId(id);
    const [rows, routes] = await Promise.all([this.readModel.passports([product]), this.routes(options)]);
    if (rows.length === 0) throw new MatterlogError('not_found', `no passport for product ${product} is in the log`);
    const target = options.version === undefined ? rows.at(-1) : rows.find((r) => r.version === options.version);
    if (!target) {
      throw new MatterlogError(
        'not_found',
        `product ${product} has no version "${options.version}" (its versions: ${rows.map((r) => `"${r.version}"`).join(', ')})`,
      );
    }
    const passport = JSON.parse(target.json) as PassportBody;
    const before = rows.find((r) => r.version === target.replaces);
    const previous = before ? assessPassport(JSON.parse(before.json) as PassportBody, routes) : undefined;
    return {
      product,
      version: info(target),
      routes: routes.map((r) => r.id),
      passport,
      assessment: assessPassport(passport, routes, previous ? { previous } : {}),
    };
  }

  /** What a producer placed on the market, by grade and period, and the flags it raises. */
  async portfolio(
    producer: string,
    options: { period?: Period; fromMs?: number; toMs?: number } = {},
  ): Promise<Portfolio> {
    const period = options.period ?? 'year';
    const range = {
      ...(options.fromMs !== undefined ? { fromMs: options.fromMs } : {}),
      ...(options.toMs !== undefined ? { toMs: options.toMs } : {}),
    };
    const [versions, totals] = await Promise.all([
      this.readModel.producerPassports(producer),
      this.readModel.portfolio(producer, range),
    ]);
    if (versions.length === 0 && totals.length === 0) {
      throw new MatterlogError('not_found', `"${producer}" has published no passport and placed nothing on the market`);
    }
    const portfolio: Portfolio = {
      producer,
      period,
      products: productsOf(versions),
      periods: periodsOf(totals, period),
      flags: [],
    };
    portfolio.flags = portfolioFlags(portfolio);
    return portfolio;
  }
}

function routeOf(record: RecordRow): RouteEntry {
  return resolveRoute(JSON.parse(record.json) as RouteBody, record.actor);
}

function productsOf(versions: readonly PassportSummary[]): Portfolio['products'] {
  const grades = byGrade();
  const low: Portfolio['products']['lowRecyclability'] = [];
  const regressions: Portfolio['products']['regressions'] = [];
  // Rows come ordered by product, then index: the last of a run is the latest version.
  for (let i = 0; i < versions.length; i++) {
    const v = versions[i] as PassportSummary;
    const next = versions[i + 1];
    if (next && next.product === v.product) continue;
    grades[v.grade as keyof typeof grades]++;
    if (v.share < LOW_RECYCLABILITY_THRESHOLD) low.push({ product: v.product, version: v.version, share: v.share });
    const prev = versions[i - 1];
    if (prev && prev.product === v.product && prev.version === v.replaces && v.share < prev.share) {
      regressions.push({
        product: v.product,
        version: v.version,
        share: v.share,
        previousVersion: prev.version,
        previousShare: prev.share,
      });
    }
  }
  low.sort((a, b) => a.share - b.share || (a.product < b.product ? -1 : 1));
  return {
    total: Object.values(grades).reduce((s, n) => s + n, 0),
    byGrade: grades,
    lowRecyclability: low.slice(0, 100),
    lowRecyclabilityCount: low.length,
    regressions,
  };
}

function periodsOf(totals: Awaited<ReturnType<ReadModelStore['portfolio']>>, period: Period): PortfolioPeriodTotal[] {
  const out = new Map<string, PortfolioPeriodTotal>();
  for (const t of totals) {
    const key = periodOf(t.month, period);
    let p = out.get(key);
    if (!p) {
      p = {
        period: key,
        units: 0,
        totalKg: 0,
        byGrade: byGrade(),
        nonRecyclableKg: 0,
        nonRecyclableShare: null,
        unassessedUnits: 0,
      };
      out.set(key, p);
    }
    p.units += t.units;
    if (t.grade === null) p.unassessedUnits += t.units;
    else {
      p.byGrade[t.grade as keyof PortfolioPeriodTotal['byGrade']] += t.kg;
      p.totalKg += t.kg;
      if (t.grade === 'non-recyclable') p.nonRecyclableKg += t.kg;
    }
  }
  for (const p of out.values()) p.nonRecyclableShare = p.totalKg > 0 ? p.nonRecyclableKg / p.totalKg : null;
  return [...out.values()];
}

/** The portfolio with its flags: a rising share of non-recyclable mass, and products below grade C. */
export function portfolioFlags(p: Portfolio): Flag[] {
  const flags: Flag[] = [];
  const series: PortfolioPeriod[] = p.periods.map((x) => ({
    period: x.period,
    totalKg: x.totalKg,
    nonRecyclableKg: x.nonRecyclableKg,
  }));
  const rising = risingNonRecyclableShare(series);
  if (rising) flags.push(rising);
  if (p.products.regressions.length > 0) {
    flags.push({
      kind: 'regression',
      message: `${p.products.regressions.length} product${p.products.regressions.length === 1 ? '' : 's'} got a new version that is less recyclable than the one it replaced`,
      numbers: Object.fromEntries(
        p.products.regressions
          .slice(0, 20)
          .map((r) => [`${r.product} ${r.previousVersion}→${r.version}`, r.share - r.previousShare]),
      ),
    });
  }
  if (p.products.lowRecyclabilityCount > 0) {
    flags.push({
      kind: 'low-recyclability',
      message: `${p.products.lowRecyclabilityCount} of ${p.products.total} products cannot be recovered above ${100 * LOW_RECYCLABILITY_THRESHOLD}% by any available route`,
      numbers: { products: p.products.total, lowRecyclability: p.products.lowRecyclabilityCount },
    });
  }
  return flags;
}
