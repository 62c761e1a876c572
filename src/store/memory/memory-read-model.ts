/**
 * The in-memory read model: the reference implementation of the contract, with
 * fault hooks for tests.
 *
 * `apply` validates and plans the whole batch first, then changes the maps in
 * one synchronous step that cannot fail, so no reader (they all run on the same
 * event loop) ever sees part of a batch. An armed `apply` fault throws between
 * planning and that step: `lost` writes nothing; `persisted` writes, then throws.
 */
import { MatterlogError } from '../../ledger/errors.js';
import type {
  ActorKeyRow,
  ActorRecord,
  ActorRow,
  EventEpcRow,
  EventPage,
  EventQuery,
  EventRow,
  PassportRow,
  PassportSummary,
  PortfolioTotal,
  QuantityQuery,
  QuantityTotal,
  ReadModelBatch,
  ReadModelStore,
  RecordKind,
  RecordRow,
  RevocationRow,
  StatementRow,
} from '../read-model.js';
import {
  checkDocument,
  checkDocumentDigest,
  checkReadModelBatch,
  checkToken,
  planReadModelBatch,
  type StoredClassRow,
} from '../read-model-batch.js';
import { ReadModelDigest } from '../read-model-digest.js';
import {
  checkEventQuery,
  checkIndexPage,
  checkPortfolio,
  checkProducer,
  checkProducts,
  checkQuantityQuery,
  checkRecordQuery,
  compareText,
  eventPage,
  type RecordFilter,
  type TimeRange,
} from '../read-model-reads.js';
import { MemoryProducts } from './memory-read-model-products.js';
import { eventMatches, quantityTotals } from './memory-read-model-queries.js';
import type { FaultMode } from './memory-store.js';

export type ReadModelFaultPoint = 'apply' | 'reset';

const pairKey = (a: string, b: string) => `${a}\u0000${b}`;

export class MemoryReadModel implements ReadModelStore {
  private size = 0;
  private readonly statements = new Map<number, StatementRow>();
  private readonly byText = new Map<string, number>();
  private readonly actorRows = new Map<string, ActorRow>();
  private readonly keys = new Map<string, ActorKeyRow>();
  private readonly revocations: RevocationRow[] = [];
  private readonly events = new Map<number, EventRow>();
  private readonly byEventId = new Map<string, number>();
  /** Event indices, ascending, for paging. */
  private eventOrder: number[] = [];
  private readonly epcs = new Map<number, EventEpcRow[]>();
  private readonly classes = new Map<number, StoredClassRow[]>();
  private readonly products = new MemoryProducts();
  private readonly tokens = new Map<string, { actor: string; createdMs: number }>();
  private readonly documents = new Map<string, { bytes: Uint8Array; mediaType: string; storedMs: number }>();
  private readonly faults = new Map<ReadModelFaultPoint, FaultMode[]>();
  private closed = false;

  /** Arms a fault for the next call(s) of `point`. */
  injectFault(point: ReadModelFaultPoint, mode: FaultMode, times = 1): void {
    const q = this.faults.get(point) ?? [];
    for (let i = 0; i < times; i++) q.push(mode);
    this.faults.set(point, q);
  }

  private fault(point: ReadModelFaultPoint, mode: FaultMode): MatterlogError {
    return new MatterlogError('storage_failure', `injected ${mode} fault in ${point}`, { details: { injected: true } });
  }

  private live(): void {
    if (this.closed) throw new MatterlogError('unavailable', 'the read model is closed');
  }

  async indexedSize(): Promise<number> {
    this.live();
    return this.size;
  }

  async apply(batch: ReadModelBatch): Promise<void> {
    this.live();
    checkReadModelBatch(batch);
    if (batch.fromSize !== this.size) {
      throw new MatterlogError('conflict', `the read model is at size ${this.size}, not ${batch.fromSize}`);
    }
    const plan = planReadModelBatch(
      batch,
      new Set(batch.statements.filter((s) => this.byText.has(s.textSha256)).map((s) => s.textSha256)),
      new Set(batch.events.filter((e) => this.byEventId.has(e.eventId)).map((e) => e.eventId)),
    );
    const mode = this.faults.get('apply')?.shift();
    if (mode === 'lost') throw this.fault('apply', mode);
    for (const s of plan.statements) {
      this.statements.set(s.index, { ...s });
      this.byText.set(s.textSha256, s.index);
    }
    for (const a of plan.actors) this.actorRows.set(a.name, { ...a });
    for (const k of plan.keys) {
      const key = pairKey(k.actor, k.vkey);
      if (!this.keys.has(key)) this.keys.set(key, { ...k });
    }
    for (const r of plan.revocations) this.revocations.push({ ...r });
    let sorted = true;
    for (const e of plan.events) {
      this.events.set(e.index, { ...e });
      this.byEventId.set(e.eventId, e.index);
      sorted &&= this.eventOrder.length === 0 || (this.eventOrder.at(-1) as number) < e.index;
      this.eventOrder.push(e.index);
    }
    if (!sorted) this.eventOrder.sort((a, b) => a - b);
    for (const r of plan.epcs) rowsOf(this.epcs, r.index).push({ ...r });
    for (const c of plan.classes) rowsOf(this.classes, c.index).push({ ...c });
    this.products.apply(plan);
    this.size = batch.toSize;
    if (mode === 'persisted') throw this.fault('apply', mode);
  }

  async reset(): Promise<void> {
    this.live();
    const mode = this.faults.get('reset')?.shift();
    if (mode === 'lost') throw this.fault('reset', mode);
    for (const m of [this.statements, this.byText, this.actorRows, this.keys, this.events, this.byEventId]) m.clear();
    this.epcs.clear();
    this.classes.clear();
    this.products.reset();
    this.revocations.length = 0;
    this.eventOrder = [];
    this.size = 0;
    if (mode === 'persisted') throw this.fault('reset', mode);
  }

  async findStatements(textSha256: readonly string[]): Promise<Map<string, number>> {
    this.live();
    return found(textSha256, this.byText);
  }

  async findEvents(eventIds: readonly string[]): Promise<Map<string, number>> {
    this.live();
    return found(eventIds, this.byEventId);
  }

  async actors(): Promise<ActorRecord[]> {
    this.live();
    const revoked = new Map<string, RevocationRow>();
    for (const r of this.revocations) {
      const key = pairKey(r.actor, r.vkey);
      const best = revoked.get(key);
      if (!best || r.fromMs < best.fromMs || (r.fromMs === best.fromMs && r.index < best.index)) revoked.set(key, r);
    }
    const keysOf = new Map<string, ActorKeyRow[]>();
    for (const k of this.keys.values()) rowsOf(keysOf, k.actor).push(k);
    return [...this.actorRows.values()]
      .sort((a, b) => compareText(a.name, b.name))
      .map((a) => ({
        name: a.name,
        role: a.role,
        index: a.index,
        issuedMs: a.issuedMs,
        keys: (keysOf.get(a.name) ?? [])
          .sort((x, y) => x.index - y.index || compareText(x.vkey, y.vkey))
          .map((k) => {
            const r = revoked.get(pairKey(k.actor, k.vkey));
            return {
              vkey: k.vkey,
              index: k.index,
              validFromMs: k.validFromMs,
              revokedFromMs: r?.fromMs ?? null,
              revokedIndex: r?.index ?? null,
            };
          }),
      }));
  }

  async queryEvents(q: EventQuery): Promise<EventPage> {
    this.live();
    checkEventQuery(q);
    const out: { index: number; json: string }[] = [];
    const after = q.afterIndex ?? -1;
    let lo = 0;
    let hi = this.eventOrder.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.eventOrder[mid] as number) <= after) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.eventOrder.length && out.length <= q.limit; i++) {
      const e = this.events.get(this.eventOrder[i] as number) as EventRow;
      const epcs = this.epcs.get(e.index) ?? [];
      if (eventMatches(e, epcs, this.classes.get(e.index) ?? [], q)) out.push({ index: e.index, json: e.json });
    }
    return eventPage(out, q.limit);
  }

  async event(eventId: string): Promise<{ index: number; json: string } | null> {
    this.live();
    const index = this.byEventId.get(eventId);
    const e = index === undefined ? undefined : this.events.get(index);
    return e ? { index: e.index, json: e.json } : null;
  }

  async quantities(q: QuantityQuery): Promise<QuantityTotal[]> {
    this.live();
    checkQuantityQuery(q);
    return quantityTotals(
      this.eventOrder.flatMap((index) => this.classes.get(index) ?? []),
      q,
    );
  }

  async passports(products: readonly string[]): Promise<PassportRow[]> {
    this.live();
    checkProducts(products);
    return this.products.passports(products);
  }

  async producerPassports(producer: string): Promise<PassportSummary[]> {
    this.live();
    checkProducer(producer);
    return this.products.producerPassports(producer);
  }

  async portfolio(producer: string, range: TimeRange = {}): Promise<PortfolioTotal[]> {
    this.live();
    checkPortfolio(producer, range);
    return this.products.portfolio(producer, range);
  }

  async records(kind: RecordKind, filter: RecordFilter = {}): Promise<RecordRow[]> {
    this.live();
    checkRecordQuery(kind, filter);
    return this.products.records(kind, filter);
  }

  async eventIndices(afterIndex: number, limit: number): Promise<number[]> {
    this.live();
    checkIndexPage(afterIndex, limit);
    const out: number[] = [];
    for (const index of this.events.keys()) if (index > afterIndex) out.push(index);
    return out.sort((a, b) => a - b).slice(0, limit);
  }

  async statementCounts(): Promise<Record<string, number>> {
    this.live();
    const counts: Record<string, number> = {};
    for (const s of this.statements.values()) counts[s.kind] = (counts[s.kind] ?? 0) + 1;
    return counts;
  }

  async digest(): Promise<string> {
    this.live();
    const d = new ReadModelDigest(this.size);
    for (const s of [...this.statements.values()].sort((a, b) => a.index - b.index)) d.add('statements', s);
    for (const a of [...this.actorRows.values()].sort((x, y) => compareText(x.name, y.name))) d.add('actors', a);
    const keys = [...this.keys.values()].sort((x, y) => compareText(x.actor, y.actor) || compareText(x.vkey, y.vkey));
    for (const k of keys) d.add('keys', k);
    const revocations = [...this.revocations].sort(
      (x, y) => compareText(x.actor, y.actor) || compareText(x.vkey, y.vkey) || x.index - y.index,
    );
    for (const r of revocations) d.add('revocations', r);
    for (const i of this.eventOrder) d.add('events', this.events.get(i) as EventRow);
    // By their own keys, not the events': the digest must show every stored row.
    const byIndex = (m: Map<number, unknown>) => [...m.keys()].sort((a, b) => a - b);
    for (const i of byIndex(this.epcs)) {
      const rows = [...(this.epcs.get(i) ?? [])].sort(
        (x, y) => compareText(x.field, y.field) || compareText(x.epc, y.epc),
      );
      for (const r of rows) d.add('epcs', r);
    }
    for (const i of byIndex(this.classes)) for (const c of this.classes.get(i) ?? []) d.add('classes', c);
    this.products.digest(d);
    return d.finish();
  }

  async putToken(tokenSha256: string, actor: string, createdMs: number): Promise<void> {
    this.live();
    checkToken(tokenSha256, actor, createdMs);
    this.tokens.set(tokenSha256, { actor, createdMs });
  }

  async tokenActor(tokenSha256: string): Promise<string | null> {
    this.live();
    return this.tokens.get(tokenSha256)?.actor ?? null;
  }

  async revokeTokens(actor: string): Promise<number> {
    this.live();
    let n = 0;
    for (const [hash, t] of this.tokens) {
      if (t.actor === actor) {
        this.tokens.delete(hash);
        n++;
      }
    }
    return n;
  }

  async putDocument(sha256: string, bytes: Uint8Array, mediaType: string): Promise<void> {
    this.live();
    checkDocument(sha256, bytes, mediaType);
    if (this.documents.has(sha256)) return;
    // A copy: the caller may reuse its buffer, and the stored bytes must stay those that were hashed.
    this.documents.set(sha256, { bytes: bytes.slice(), mediaType, storedMs: Date.now() });
  }

  async document(sha256: string): Promise<{ bytes: Uint8Array; mediaType: string; storedMs: number } | null> {
    this.live();
    checkDocumentDigest(sha256);
    const d = this.documents.get(sha256);
    // A copy, as the SQL drivers return: a caller writing into it must not change what is stored.
    return d ? { bytes: d.bytes.slice(), mediaType: d.mediaType, storedMs: d.storedMs } : null;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function rowsOf<K, T>(map: Map<K, T[]>, key: K): T[] {
  const rows = map.get(key);
  if (rows) return rows;
  const fresh: T[] = [];
  map.set(key, fresh);
  return fresh;
}

function found(keys: readonly string[], from: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of keys) {
    const i = from.get(k);
    if (i !== undefined) out.set(k, i);
  }
  return out;
}
