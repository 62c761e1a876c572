/**
 * Builders for read-model batches: each entry is one log index and yields the
 * rows an indexer would derive from it, so tests read as a list of entries.
 */
import { createHash } from 'node:crypto';
import type {
  ActorRole,
  ClassField,
  EpcField,
  EventClassRow,
  EventEpcRow,
  EventRow,
  MarketRow,
  PassportRow,
  ReadModelBatch,
  RecordKind,
  RecordRow,
} from '../../src/store/read-model.js';
import { emptyBatch } from '../../src/store/read-model-batch.js';

export type Rows = Omit<ReadModelBatch, 'fromSize' | 'toSize'>;
export type Entry = (index: number) => Partial<Rows>;

/** 2023-11-14T22:13:20Z: well above 2^31 milliseconds. */
export const T0 = 1_700_000_000_000;
/** The default event time of the entry at `index`. */
export const t = (index: number) => T0 + index * 60_000;

export const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

function statementRow(index: number, kind: string, actor: string, text: string | undefined, issuedMs: number) {
  return { index, kind, issuers: actor, actor, issuedMs, textSha256: sha256Hex(text ?? `${kind}#${index}`) };
}

export function statementEntry(kind: string, opts: { text?: string; actor?: string } = {}): Entry {
  return (i) => ({ statements: [statementRow(i, kind, opts.actor ?? 'someone', opts.text, t(i))] });
}

export interface EventSpec extends Partial<Omit<EventRow, 'index' | 'json'>> {
  /** The statement's text (its digest is the statement's dedup key). */
  text?: string;
  epcs?: [EpcField, string][];
  classes?: {
    field: ClassField;
    epcClass: string;
    quantity?: number | null;
    uom?: string | null;
    kg?: number | null;
  }[];
}

export function eventEntry(spec: EventSpec = {}): Entry {
  return (index) => {
    const eventTimeMs = spec.eventTimeMs ?? t(index);
    const e: Omit<EventRow, 'json'> = {
      index,
      eventId: spec.eventId ?? `ni:///sha-256;${sha256Hex(`event ${index}`)}?ver=CBV2.0`,
      eventType: spec.eventType ?? 'ObjectEvent',
      eventTimeMs,
      recordTimeMs: spec.recordTimeMs ?? eventTimeMs + 1000,
      action: spec.action === undefined ? 'OBSERVE' : spec.action,
      bizStep: spec.bizStep ?? null,
      disposition: spec.disposition ?? null,
      readPoint: spec.readPoint ?? null,
      bizLocation: spec.bizLocation ?? null,
      actor: spec.actor ?? 'recycler.example',
      custody: spec.custody ?? 'self',
    };
    const epcs: EventEpcRow[] = (spec.epcs ?? []).map(([field, epc]) => ({ index, field, epc }));
    const classes: EventClassRow[] = (spec.classes ?? []).map((c) => ({
      index,
      field: c.field,
      epcClass: c.epcClass,
      quantity: c.quantity ?? null,
      uom: c.uom ?? null,
      kg: c.kg ?? null,
      facility: e.bizLocation,
      eventTimeMs,
    }));
    return {
      statements: [statementRow(index, 'epcis.event', e.actor, spec.text, e.recordTimeMs)],
      events: [{ ...e, json: JSON.stringify({ ...e, epcs: spec.epcs ?? [] }) }],
      epcs,
      classes,
    };
  };
}

export function actorEntry(
  name: string,
  role: ActorRole,
  vkeys: string[],
  opts: { text?: string; validFromMs?: number } = {},
): Entry {
  return (index) => ({
    statements: [statementRow(index, 'actor', 'operator.example', opts.text, t(index))],
    actors: [{ name, role, index, issuedMs: t(index) }],
    keys: vkeys.map((vkey) => ({ actor: name, vkey, index, validFromMs: opts.validFromMs ?? t(index) })),
  });
}

export function revocationEntry(actor: string, vkey: string, fromMs: number, opts: { text?: string } = {}): Entry {
  return (index) => ({
    statements: [statementRow(index, 'revocation', 'operator.example', opts.text, t(index))],
    revocations: [{ actor, vkey, fromMs, index }],
  });
}

export interface PassportSpec extends Partial<Omit<PassportRow, 'index' | 'product' | 'version' | 'json'>> {
  product: string;
  version: string;
  text?: string;
}

/** A passport statement: one version of a product. */
export function passportEntry(spec: PassportSpec): Entry {
  return (index) => {
    const producer = spec.producer ?? 'maker.example';
    const issuedMs = spec.issuedMs ?? t(index);
    const row: Omit<PassportRow, 'json'> = {
      index,
      product: spec.product,
      producer,
      version: spec.version,
      replaces: spec.replaces ?? null,
      issuedMs,
      validFromMs: spec.validFromMs ?? issuedMs,
      massKg: spec.massKg ?? 0.5,
      share: spec.share ?? 0.9,
      grade: spec.grade ?? 'B',
    };
    return {
      statements: [statementRow(index, 'passport', producer, spec.text, issuedMs)],
      passports: [{ ...row, json: JSON.stringify({ product: row.product, version: row.version, index }) }],
    };
  };
}

/** The UTC month of a time, as market rows carry it. */
export const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);

/** A commissioning event recorded for `producer` that places units of products on the market. */
export function marketEntry(
  producer: string,
  eventTimeMs: number,
  units: [product: string, units: number][],
  spec: Pick<EventSpec, 'eventId' | 'text'> = {},
): Entry {
  const event = eventEntry({ ...spec, actor: producer, eventTimeMs, bizStep: 'commissioning', action: 'ADD' });
  return (index) => ({
    ...event(index),
    market: units.map(
      ([product, n]): MarketRow => ({ index, producer, product, units: n, eventTimeMs, month: monthOf(eventTimeMs) }),
    ),
  });
}

/** A facility or route statement. */
export function recordEntry(
  kind: RecordKind,
  key: string,
  opts: { actor?: string; facility?: string | null; body?: unknown; text?: string } = {},
): Entry {
  return (index) => {
    const actor = opts.actor ?? 'recycler.example';
    const row: RecordRow = {
      kind,
      key,
      actor,
      index,
      issuedMs: t(index),
      facility: opts.facility ?? null,
      json: JSON.stringify(opts.body ?? { key, index }),
    };
    return { statements: [statementRow(index, kind, actor, opts.text, row.issuedMs)], records: [row] };
  };
}

/**
 * Passports, market placements and records with a row for every rule: two
 * versions of a product and one repeated, market rows before a version was in
 * force and after, a product repeated within one event, a record updated, keys
 * beyond U+FFFF. For tests that need some of everything (digests, reset).
 */
export function productDataset(): Entry[] {
  return [
    passportEntry({ product: '00000000000017', version: '1', grade: 'C', validFromMs: Date.UTC(2045, 0, 10) }),
    marketEntry('maker.example', Date.UTC(2045, 0, 5), [['00000000000017', 10]]),
    passportEntry({ product: '00000000000017', version: '2', replaces: '1', grade: 'A', massKg: 0.25, share: 0.97 }),
    passportEntry({ product: '00000000000017', version: '2', grade: 'non-recyclable', share: 0 }),
    marketEntry('maker.example', Date.UTC(2045, 1, 5), [
      ['00000000000017', 4],
      ['00000000000024', 1.5],
      ['00000000000017', 3],
    ]),
    recordEntry('facility', 'urn:epc:id:sgln:4012345.00001.0'),
    recordEntry('route', 'route/\u{1f600}', { facility: 'urn:epc:id:sgln:4012345.00001.0' }),
    recordEntry('facility', 'urn:epc:id:sgln:4012345.00001.0', { body: { name: 'renamed' } }),
    recordEntry('route', 'route/\uff01', { actor: 'other.example' }),
  ];
}

/** Consecutive batches: each starts where the last ended. */
export class ReadModelBatches {
  size = 0;

  next(entries: Entry[]): ReadModelBatch {
    const b = ReadModelBatches.at(this.size, entries);
    this.size = b.toSize;
    return b;
  }

  static at(fromSize: number, entries: Entry[]): ReadModelBatch {
    const b: ReadModelBatch = emptyBatch(fromSize, fromSize + entries.length);
    entries.forEach((entry, k) => {
      const rows = entry(fromSize + k);
      for (const key of Object.keys(rows) as (keyof Rows)[]) (b[key] as unknown[]).push(...(rows[key] ?? []));
    });
    return b;
  }
}

/**
 * Entries 0..8 covering every query condition; the query tests name indices
 * from this list. Entries 0 and 5 are not events.
 */
export function queryDataset(): Entry[] {
  return [
    actorEntry('recycler.example', 'recycler', ['recycler.example+0a0b0c0d+AAAA']),
    eventEntry({
      action: 'ADD',
      bizStep: 'receiving',
      disposition: 'in_progress',
      readPoint: 'rp:A',
      bizLocation: 'L1',
      actor: 'a1',
      epcs: [
        ['epc', 'E1'],
        ['epc', 'E2'],
      ],
      classes: [{ field: 'quantity', epcClass: 'C1', quantity: 10, uom: 'KGM', kg: 10 }],
    }),
    eventEntry({
      action: 'OBSERVE',
      bizStep: 'shipping',
      disposition: 'in_transit',
      readPoint: 'rp:B',
      bizLocation: 'L2',
      actor: 'a2',
      epcs: [['epc', 'E2']],
      classes: [{ field: 'quantity', epcClass: 'C2', quantity: 2, uom: 'TNE', kg: 2000 }],
    }),
    eventEntry({
      eventType: 'TransformationEvent',
      action: null,
      bizStep: 'urn:epcglobal:cbv:bizstep:commissioning',
      bizLocation: 'L1',
      actor: 'a1',
      epcs: [
        ['inputEPC', 'E3'],
        ['outputEPC', 'E4'],
      ],
      classes: [
        { field: 'inputQuantity', epcClass: 'C1', quantity: 5, uom: 'KGM', kg: 5 },
        { field: 'outputQuantity', epcClass: 'C3', quantity: 4, uom: 'KGM', kg: 4 },
      ],
    }),
    eventEntry({
      eventType: 'AggregationEvent',
      action: 'ADD',
      bizStep: 'packing',
      bizLocation: 'L3',
      actor: 'a3',
      epcs: [
        ['parentID', 'P1'],
        ['childEPC', 'E1'],
      ],
      classes: [{ field: 'childQuantity', epcClass: 'C2', quantity: 3, uom: 'EA' }],
    }),
    statementEntry('passport'),
    eventEntry({
      action: 'DELETE',
      bizStep: 'shipping',
      disposition: 'destroyed',
      bizLocation: 'L2',
      actor: 'a2',
      custody: 'gateway',
      epcs: [['epc', 'E5']],
    }),
    eventEntry({
      eventType: 'TransactionEvent',
      action: 'ADD',
      bizStep: 'receiving',
      readPoint: 'rp:A',
      actor: 'a3',
      epcs: [['epc', 'E1']],
      classes: [{ field: 'quantity', epcClass: 'C1', quantity: 1.5, uom: 'KGM', kg: 1.5 }],
    }),
    eventEntry({
      action: 'ADD',
      bizStep: 'receiving',
      bizLocation: 'L1',
      actor: 'a1',
      epcs: [['epc', 'E6']],
      classes: [
        { field: 'quantity', epcClass: 'C1', quantity: 2.25, uom: 'KGM', kg: 2.25 },
        { field: 'quantity', epcClass: 'C1', quantity: 0.25, uom: 'KGM', kg: 0.25 },
      ],
    }),
  ];
}

/** The entry with only the rows of `keep`: what "first one wins" leaves of a duplicate. */
export function only(entry: Entry, keep: (keyof Rows)[]): Entry {
  return (index) => {
    const rows = entry(index);
    return Object.fromEntries(keep.map((k) => [k, rows[k] ?? []]));
  };
}
