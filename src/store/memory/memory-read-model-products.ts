/**
 * The memory read model's passports, market placements and records: the
 * reference for what the SQL drivers compute with indexes and GROUP BY.
 * `apply` is given rows already planned, and cannot fail, so the memory read
 * model can still change everything in one synchronous step.
 */
import type { PassportRow, PassportSummary, PortfolioTotal, RecordKind, RecordRow } from '../read-model.js';
import type { PlannedBatch, StoredMarketRow } from '../read-model-batch.js';
import type { ReadModelDigest } from '../read-model-digest.js';
import { compareText, type RecordFilter, type TimeRange } from '../read-model-reads.js';

const pairKey = (a: string, b: string) => `${a}\u0000${b}`;

function summary(p: PassportRow): PassportSummary {
  const { index, product, producer, version, replaces, issuedMs, validFromMs, massKg, share, grade } = p;
  return { index, product, producer, version, replaces, issuedMs, validFromMs, massKg, share, grade };
}

const byProductThenIndex = (a: PassportRow, b: PassportRow) => compareText(a.product, b.product) || a.index - b.index;

export class MemoryProducts {
  private readonly passportRows = new Map<number, PassportRow>();
  /** (product, version) pairs held: a version published again keeps its first row. */
  private readonly versions = new Set<string>();
  private readonly byProduct = new Map<string, PassportRow[]>();
  private readonly market = new Map<number, StoredMarketRow[]>();
  private readonly recordRows = new Map<string, RecordRow>();

  apply(plan: Pick<PlannedBatch, 'passports' | 'market' | 'records'>): void {
    for (const p of plan.passports) {
      const key = pairKey(p.product, p.version);
      if (this.versions.has(key)) continue;
      this.versions.add(key);
      const row = { ...p };
      this.passportRows.set(p.index, row);
      rowsOf(this.byProduct, p.product).push(row);
    }
    for (const m of plan.market) rowsOf(this.market, m.index).push({ ...m });
    for (const r of plan.records) this.recordRows.set(pairKey(r.kind, r.key), { ...r });
  }

  reset(): void {
    this.passportRows.clear();
    this.versions.clear();
    this.byProduct.clear();
    this.market.clear();
    this.recordRows.clear();
  }

  passports(products: readonly string[]): PassportRow[] {
    const out = [...new Set(products)].flatMap((p) => this.byProduct.get(p) ?? []);
    return out.sort(byProductThenIndex).map((p) => ({ ...p }));
  }

  producerPassports(producer: string): PassportSummary[] {
    const out = [...this.passportRows.values()].filter((p) => p.producer === producer);
    return out.sort(byProductThenIndex).map(summary);
  }

  portfolio(producer: string, range: TimeRange): PortfolioTotal[] {
    const groups = new Map<string, PortfolioTotal>();
    for (const index of [...this.market.keys()].sort((a, b) => a - b)) {
      for (const m of this.market.get(index) ?? []) {
        if (m.producer !== producer) continue;
        if (range.fromMs !== undefined && m.eventTimeMs < range.fromMs) continue;
        if (range.toMs !== undefined && m.eventTimeMs >= range.toMs) continue;
        const version = this.inForce(m.product, m.eventTimeMs);
        const grade = version?.grade ?? null;
        const key = JSON.stringify([m.month, grade]);
        let g = groups.get(key);
        if (!g) {
          g = { month: m.month, grade, units: 0, kg: 0 };
          groups.set(key, g);
        }
        g.units += m.units;
        if (version) g.kg += m.units * version.massKg;
      }
    }
    return [...groups.values()].sort(
      (a, b) =>
        compareText(a.month, b.month) ||
        (a.grade === null ? -1 : 0) - (b.grade === null ? -1 : 0) ||
        compareText(a.grade ?? '', b.grade ?? ''),
    );
  }

  /** The version with the latest validFromMs at or before `timeMs`; on a tie, the highest index. */
  private inForce(product: string, timeMs: number): PassportRow | undefined {
    let best: PassportRow | undefined;
    for (const p of this.byProduct.get(product) ?? []) {
      if (p.validFromMs > timeMs) continue;
      if (!best || p.validFromMs > best.validFromMs || (p.validFromMs === best.validFromMs && p.index > best.index)) {
        best = p;
      }
    }
    return best;
  }

  records(kind: RecordKind, filter: RecordFilter): RecordRow[] {
    const keys = filter.keys === undefined ? undefined : new Set(filter.keys);
    const out = [...this.recordRows.values()].filter(
      (r) =>
        r.kind === kind &&
        (keys === undefined || keys.has(r.key)) &&
        (filter.actor === undefined || r.actor === filter.actor) &&
        (filter.facility === undefined || r.facility === filter.facility),
    );
    return out.sort((a, b) => compareText(a.key, b.key)).map((r) => ({ ...r }));
  }

  /** Feeds the three tables to the digest, each in its key order. */
  digest(d: ReadModelDigest): void {
    for (const i of [...this.passportRows.keys()].sort((a, b) => a - b)) {
      d.add('passports', this.passportRows.get(i) as PassportRow);
    }
    for (const i of [...this.market.keys()].sort((a, b) => a - b)) {
      for (const m of this.market.get(i) ?? []) d.add('market', m);
    }
    const records = [...this.recordRows.values()].sort(
      (a, b) => compareText(a.kind, b.kind) || compareText(a.key, b.key),
    );
    for (const r of records) d.add('records', r);
  }
}

function rowsOf<K, T>(map: Map<K, T[]>, key: K): T[] {
  const rows = map.get(key);
  if (rows) return rows;
  const fresh: T[] = [];
  map.set(key, fresh);
  return fresh;
}
