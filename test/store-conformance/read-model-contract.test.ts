/**
 * The read-model contract (src/store/read-model.ts), checked against every driver:
 * writes, compare-and-swap, atomicity, "first one wins", actors, tokens,
 * documents, reset, durability and concurrent reads. Queries are in read-model-queries.test.ts,
 * the digest across drivers in read-model-digest.test.ts.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReadModelBatch, ReadModelStore } from '../../src/store/read-model.js';
import { allReadModelDrivers, type ReadModelFactory } from './read-model-drivers.js';
import {
  actorEntry,
  type Entry,
  eventEntry,
  only,
  productDataset,
  queryDataset,
  ReadModelBatches,
  revocationEntry,
  sha256Hex,
  statementEntry,
  t,
} from './read-model-fixtures.js';

const drivers = await allReadModelDrivers();

/** Hashed here with node:crypto, independently of the ledger's provider the stores check with. */
const digestOf = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Bytes that are not all one value, so a slice stored or read at the wrong offset shows. */
function patterned(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + (i >>> 8)) & 0xff;
  return out;
}

describe.each(drivers.map((d) => [d.name, d] as const))(
  'read model contract: %s',
  (_name, driver: ReadModelFactory) => {
    const opened: ReadModelStore[] = [];
    const fresh = async () => {
      const s = await driver.create();
      opened.push(s);
      return s;
    };
    afterAll(async () => {
      for (const s of opened) await s.close().catch(() => {});
      await driver.cleanup();
    });

    it('starts empty', async () => {
      const s = await fresh();
      expect(await s.indexedSize()).toBe(0);
      expect(await s.actors()).toEqual([]);
      expect(await s.statementCounts()).toEqual({});
      expect(await s.queryEvents({ limit: 10 })).toEqual({ events: [], nextAfterIndex: null });
      expect(await s.quantities({})).toEqual([]);
      expect(await s.portfolio('maker.example')).toEqual([]);
      expect(await s.records('route')).toEqual([]);
      expect(await s.event('ni:///sha-256;x?ver=CBV2.0')).toBeNull();
      expect((await s.findStatements([sha256Hex('x')])).size).toBe(0);
    });

    it('applies batches in order and refuses one from a stale size, writing nothing (compare-and-swap)', async () => {
      const s = await fresh();
      const b = new ReadModelBatches();
      await s.apply(b.next([eventEntry(), statementEntry('passport')]));
      expect(await s.indexedSize()).toBe(2);
      const before = await s.digest();
      const stale = ReadModelBatches.at(1, [eventEntry({ eventId: 'urn:stale' }), statementEntry('passport')]);
      await expect(s.apply(stale)).rejects.toMatchObject({ code: 'conflict' });
      const ahead = ReadModelBatches.at(3, [statementEntry('passport')]);
      await expect(s.apply(ahead)).rejects.toMatchObject({ code: 'conflict' });
      expect(await s.indexedSize()).toBe(2);
      expect(await s.digest()).toBe(before);
      expect(await s.event('urn:stale')).toBeNull();
      // An empty batch still moves the size: entries the indexer had nothing to derive from.
      await s.apply({ ...ReadModelBatches.at(2, []), toSize: 5 });
      expect(await s.indexedSize()).toBe(5);
    });

    it('refuses malformed batches before writing anything', async () => {
      const s = await fresh();
      const ok = () => ReadModelBatches.at(0, [eventEntry({ classes: [{ field: 'quantity', epcClass: 'C', kg: 1 }] })]);
      const broken: [string, (b: ReadModelBatch) => void][] = [
        ['toSize below fromSize', (b) => Object.assign(b, { toSize: -1 })],
        ['a row outside the batch', (b) => Object.assign(b.statements[0] ?? {}, { index: 1 })],
        [
          'two statements at one index',
          (b) => b.statements.push({ ...(b.statements[0] as ReadModelBatch['statements'][number]) }),
        ],
        [
          'an EPC row without its event',
          (b) => {
            b.epcs.push({ index: 0, field: 'epc', epc: 'E' });
            b.events.pop();
          },
        ],
        ['an unknown EPC field', (b) => b.epcs.push({ index: 0, field: 'nope' as never, epc: 'E' })],
        ['a NaN quantity', (b) => Object.assign(b.classes[0] ?? {}, { kg: Number.NaN })],
        ['a fractional time', (b) => Object.assign(b.events[0] ?? {}, { eventTimeMs: 1.5 })],
        ['a NUL in a string', (b) => Object.assign(b.events[0] ?? {}, { bizStep: 'a\u0000b' })],
        ['an unpaired surrogate', (b) => Object.assign(b.events[0] ?? {}, { actor: 'x\ud800' })],
        ['a digest that is not hex', (b) => Object.assign(b.statements[0] ?? {}, { textSha256: 'ABC' })],
        ['an unknown custody', (b) => Object.assign(b.events[0] ?? {}, { custody: 'other' })],
      ];
      for (const [what, breakIt] of broken) {
        const b = ok();
        breakIt(b);
        await expect(s.apply(b), what).rejects.toMatchObject({ code: 'invalid_input' });
      }
      expect(await s.indexedSize()).toBe(0);
      await s.apply(ok());
      expect(await s.indexedSize()).toBe(1);
    });

    it('leaves nothing of a batch that fails half-way through its writes', async () => {
      const s = await fresh();
      const b = new ReadModelBatches();
      await s.apply(b.next([actorEntry('a', 'producer', ['a+1+K'])]));
      const before = await s.digest();
      await driver.failApplyOn(s, 'urn:test:fail');
      const failing = ReadModelBatches.at(1, [
        actorEntry('b', 'collector', ['b+1+K']),
        eventEntry({
          eventId: 'urn:half',
          epcs: [['epc', 'E']],
          classes: [{ field: 'quantity', epcClass: 'urn:test:fail' }],
        }),
      ]);
      await expect(s.apply(failing)).rejects.toMatchObject({ code: 'storage_failure' });
      expect(await s.indexedSize()).toBe(1);
      expect(await s.digest()).toBe(before);
      expect(await s.event('urn:half')).toBeNull();
      expect((await s.actors()).map((a) => a.name)).toEqual(['a']);
      // The store is still usable: a batch without the poisoned row applies.
      await s.apply(ReadModelBatches.at(1, [eventEntry({ eventId: 'urn:whole' })]));
      expect(await s.event('urn:whole')).toMatchObject({ index: 1 });
    });

    it('keeps the first statement with a text digest and drops every row of a later one', async () => {
      const s = await fresh();
      const b = new ReadModelBatches();
      await s.apply(b.next([actorEntry('a', 'producer', ['a+1+K'], { text: 'register a' })]));
      // Index 1 repeats index 0's text; index 2 and 3 repeat each other within one batch.
      const later = [
        actorEntry('a', 'auditor', ['a+2+K'], { text: 'register a' }),
        eventEntry({ text: 'same event statement', eventId: 'urn:e2', epcs: [['epc', 'E2']] }),
        eventEntry({ text: 'same event statement', eventId: 'urn:e3', epcs: [['epc', 'E3']] }),
      ];
      await s.apply(b.next(later));
      // The same log without the duplicates' rows indexes to the same digest.
      const reference = await fresh();
      await reference.apply(ReadModelBatches.at(0, [actorEntry('a', 'producer', ['a+1+K'], { text: 'register a' })]));
      await reference.apply(
        ReadModelBatches.at(1, [only(later[0] as Entry, []), later[1] as Entry, only(later[2] as Entry, [])]),
      );
      expect(await s.digest()).toBe(await reference.digest());
      expect(await s.indexedSize()).toBe(4);
      const found = await s.findStatements([
        sha256Hex('register a'),
        sha256Hex('same event statement'),
        sha256Hex('no'),
      ]);
      expect(Object.fromEntries(found)).toEqual({
        [sha256Hex('register a')]: 0,
        [sha256Hex('same event statement')]: 2,
      });
      const [a] = await s.actors();
      expect(a).toMatchObject({ name: 'a', role: 'producer', index: 0 });
      expect(a?.keys.map((k) => k.vkey)).toEqual(['a+1+K']);
      expect(await s.event('urn:e3')).toBeNull();
      expect((await s.queryEvents({ epcs: [{ fields: ['epc'], values: ['E3'] }], limit: 10 })).events).toEqual([]);
      expect(await s.statementCounts()).toEqual({ actor: 1, 'epcis.event': 1 });
    });

    it('keeps the first event with an event ID and drops its later EPC and class rows, not its statement', async () => {
      const s = await fresh();
      const b = new ReadModelBatches();
      const dup = { eventId: 'urn:dup', classes: [{ field: 'quantity' as const, epcClass: 'C', kg: 5 }] };
      const first = eventEntry({ ...dup, epcs: [['epc', 'FIRST']] });
      const later = [eventEntry({ ...dup, epcs: [['epc', 'LATER']] }), eventEntry({ ...dup, text: 'x' })];
      await s.apply(b.next([first]));
      await s.apply(b.next(later));
      const reference = await fresh();
      await reference.apply(ReadModelBatches.at(0, [first, ...later.map((e) => only(e, ['statements']))]));
      expect(await s.digest()).toBe(await reference.digest());
      expect(Object.fromEntries(await s.findEvents(['urn:dup', 'urn:none']))).toEqual({ 'urn:dup': 0 });
      expect((await s.event('urn:dup'))?.index).toBe(0);
      expect((await s.queryEvents({ epcs: [{ fields: ['epc'], values: ['LATER'] }], limit: 10 })).events).toEqual([]);
      expect(await s.quantities({})).toEqual([{ facility: null, epcClass: 'C', field: 'quantity', kg: 5, events: 1 }]);
      expect(await s.statementCounts()).toEqual({ 'epcis.event': 3 });
      // The audit lists events, not statements: the event counts once, at its first index.
      expect(await s.eventIndices(-1, 10)).toEqual([0]);
    });

    it('upserts actors, keeps the first row of a key, and applies the earliest revocation', async () => {
      const s = await fresh();
      const b = new ReadModelBatches();
      await s.apply(
        b.next([
          actorEntry('zed.example', 'collector', ['zed+1+K']),
          actorEntry('alpha.example', 'producer', ['alpha+1+K', 'alpha+2+K'], { validFromMs: 5 }),
          actorEntry('\uff01.example', 'public', []),
          actorEntry('\u{1f600}.example', 'witness', []),
        ]),
      );
      await s.apply(
        b.next([
          actorEntry('alpha.example', 'auditor', ['alpha+1+K', 'alpha+3+K'], { validFromMs: 99 }),
          revocationEntry('alpha.example', 'alpha+2+K', 700),
          revocationEntry('alpha.example', 'alpha+2+K', 600),
          revocationEntry('alpha.example', 'alpha+2+K', 600),
          revocationEntry('ghost.example', 'ghost+1+K', 1),
        ]),
      );
      const actors = await s.actors();
      // Code point order: U+FF01 sorts before U+1F600 (UTF-16 order would say otherwise).
      expect(actors.map((a) => a.name)).toEqual([
        'alpha.example',
        'zed.example',
        '\uff01.example',
        '\u{1f600}.example',
      ]);
      expect(actors[0]).toEqual({
        name: 'alpha.example',
        role: 'auditor',
        index: 4,
        issuedMs: t(4),
        keys: [
          { vkey: 'alpha+1+K', index: 1, validFromMs: 5, revokedFromMs: null, revokedIndex: null },
          { vkey: 'alpha+2+K', index: 1, validFromMs: 5, revokedFromMs: 600, revokedIndex: 6 },
          { vkey: 'alpha+3+K', index: 4, validFromMs: 99, revokedFromMs: null, revokedIndex: null },
        ],
      });
      expect(actors[1]?.keys).toHaveLength(1);
      expect(actors[2]?.keys).toEqual([]);
      expect(await s.statementCounts()).toEqual({ actor: 5, revocation: 4 });
    });

    it('stores token hashes, replaces an equal one, revokes per actor, and keeps them through reset', async () => {
      const s = await fresh();
      const [h1, h2, h3] = ['one', 'two', 'three'].map(sha256Hex) as [string, string, string];
      await s.putToken(h1, 'a', 1);
      await s.putToken(h2, 'a', 2);
      await s.putToken(h3, 'b', 3);
      await s.putToken(h3, 'c', 4);
      expect(await s.tokenActor(h1)).toBe('a');
      expect(await s.tokenActor(h3)).toBe('c');
      expect(await s.tokenActor(sha256Hex('none'))).toBeNull();
      await expect(s.putToken('not-a-hash', 'a', 1)).rejects.toMatchObject({ code: 'invalid_input' });
      await s.reset();
      expect(await s.tokenActor(h2)).toBe('a');
      expect(await s.revokeTokens('a')).toBe(2);
      expect(await s.revokeTokens('a')).toBe(0);
      expect(await s.tokenActor(h1)).toBeNull();
      expect(await s.tokenActor(h3)).toBe('c');
    });

    it('stores documents under their SHA-256 and returns copies of their bytes', async () => {
      const s = await fresh();
      const small = new TextEncoder().encode('{"plan":1}');
      const before = Date.now();
      await s.putDocument(digestOf(small), small, 'application/json');
      const got = await s.document(digestOf(small));
      expect(got).toMatchObject({ mediaType: 'application/json' });
      expect(got?.bytes).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(got?.bytes ?? []).equals(Buffer.from(small))).toBe(true);
      expect(got?.storedMs).toBeGreaterThanOrEqual(before);
      expect(got?.storedMs).toBeLessThanOrEqual(Date.now());
      // Neither the caller's buffer nor a returned one is the stored document.
      small[0] = 0;
      (got?.bytes as Uint8Array)[1] = 0;
      expect(
        new TextDecoder().decode((await s.document(digestOf(new TextEncoder().encode('{"plan":1}'))))?.bytes),
      ).toBe('{"plan":1}');
      const empty = new Uint8Array(0);
      await s.putDocument(digestOf(empty), empty, 'application/octet-stream');
      expect((await s.document(digestOf(empty)))?.bytes).toHaveLength(0);
      expect(await s.document(digestOf(new Uint8Array([1])))).toBeNull();
    });

    it('round-trips a 5 MiB document byte for byte', async () => {
      const s = await fresh();
      const big = patterned(5 * 1024 * 1024 + 3);
      await s.putDocument(digestOf(big), big, 'application/x-evidence-bundle');
      const got = await s.document(digestOf(big));
      expect(got?.bytes.byteLength).toBe(big.byteLength);
      expect(Buffer.from(got?.bytes ?? []).equals(Buffer.from(big))).toBe(true);
      expect(digestOf(got?.bytes ?? new Uint8Array())).toBe(digestOf(big));
    });

    // PostgreSQL reads documents in 32 MiB slices: this one ends a little way into the second.
    it('round-trips a document of more than one 32 MiB read slice', async () => {
      const s = await fresh();
      const big = patterned(33 * 1024 * 1024 + 5);
      await s.putDocument(digestOf(big), big, 'application/octet-stream');
      const got = await s.document(digestOf(big));
      expect(got?.bytes.byteLength).toBe(big.byteLength);
      expect(Buffer.from(got?.bytes ?? []).equals(Buffer.from(big))).toBe(true);
    });

    it('keeps the first storing of a document: putting it again is a no-op', async () => {
      const s = await fresh();
      const doc = new TextEncoder().encode('evidence');
      await s.putDocument(digestOf(doc), doc, 'text/plain');
      const first = await s.document(digestOf(doc));
      await new Promise((r) => setTimeout(r, 5));
      await s.putDocument(digestOf(doc), doc, 'application/octet-stream');
      expect(await s.document(digestOf(doc))).toEqual(first);
    });

    it('refuses a document whose digest, size or media type is wrong, storing nothing', async () => {
      const s = await fresh();
      const doc = new TextEncoder().encode('bundle');
      const other = digestOf(new TextEncoder().encode('another bundle'));
      const wrong = s.putDocument(other, doc, 'application/json');
      await expect(wrong).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(wrong).rejects.toThrow(/does not match/);
      expect(await s.document(other)).toBeNull();
      for (const bad of ['not-a-hash', digestOf(doc).toUpperCase(), `${digestOf(doc)}0`, digestOf(doc).slice(1), '']) {
        await expect(s.putDocument(bad, doc, 'application/json')).rejects.toMatchObject({ code: 'invalid_input' });
        await expect(s.document(bad)).rejects.toMatchObject({ code: 'invalid_input' });
      }
      for (const mediaType of ['', 'x'.repeat(201), 'text/plain\u0000', '\ud800']) {
        await expect(s.putDocument(digestOf(doc), doc, mediaType)).rejects.toMatchObject({ code: 'invalid_input' });
      }
      await s.putDocument(digestOf(doc), doc, 'x'.repeat(200));
      // Zero-filled, so the allocation stays virtual; the size is refused before any hashing.
      const huge = new Uint8Array(256 * 1024 * 1024 + 1);
      const tooLarge = s.putDocument(digestOf(doc), huge, 'application/octet-stream');
      await expect(tooLarge).rejects.toMatchObject({ code: 'request_too_large' });
      await expect(tooLarge).rejects.toThrow(/256 MiB/);
    });

    it('keeps documents through reset, and leaves them out of the digest', async () => {
      const s = await fresh();
      const emptyDigest = await s.digest();
      const doc = new TextEncoder().encode('{"certificate":true}');
      await s.putDocument(digestOf(doc), doc, 'application/json');
      expect(await s.digest()).toBe(emptyDigest);
      await s.apply(new ReadModelBatches().next(queryDataset()));
      const indexed = await s.digest();
      const more = new TextEncoder().encode('more');
      await s.putDocument(digestOf(more), more, 'text/plain');
      expect(await s.digest()).toBe(indexed);
      await s.reset();
      expect(await s.digest()).toBe(emptyDigest);
      expect(new TextDecoder().decode((await s.document(digestOf(doc)))?.bytes)).toBe('{"certificate":true}');
      expect((await s.document(digestOf(more)))?.mediaType).toBe('text/plain');
    });

    it('reset empties every derived row and the size, and indexing starts again from 0', async () => {
      const s = await fresh();
      const empty = await s.digest();
      const b = new ReadModelBatches();
      await s.apply(b.next(queryDataset()));
      await s.apply(b.next([revocationEntry('recycler.example', 'recycler.example+0a0b0c0d+AAAA', 1)]));
      await s.apply(b.next(productDataset()));
      expect(await s.digest()).not.toBe(empty);
      expect(await s.portfolio('maker.example')).not.toEqual([]);
      await s.reset();
      expect(await s.indexedSize()).toBe(0);
      expect(await s.digest()).toBe(empty);
      expect(await s.actors()).toEqual([]);
      expect(await s.statementCounts()).toEqual({});
      expect(await s.quantities({})).toEqual([]);
      expect((await s.queryEvents({ limit: 100 })).events).toEqual([]);
      expect((await s.findEvents([`ni:///sha-256;${sha256Hex('event 1')}?ver=CBV2.0`])).size).toBe(0);
      expect(await s.passports(['00000000000017', '00000000000024'])).toEqual([]);
      expect(await s.producerPassports('maker.example')).toEqual([]);
      expect(await s.portfolio('maker.example')).toEqual([]);
      expect([...(await s.records('facility')), ...(await s.records('route'))]).toEqual([]);
      // A passport version indexed before the reset is not "already there" after it.
      await s.apply(ReadModelBatches.at(0, productDataset()));
      expect((await s.passports(['00000000000017'])).map((p) => p.index)).toEqual([0, 2]);
      await s.reset();
      await s.apply(ReadModelBatches.at(0, queryDataset()));
      expect(await s.indexedSize()).toBe(9);
    });

    it('lets reads run while batches are applied, each seeing a batch entirely or not at all', async () => {
      const s = await fresh();
      const b = new ReadModelBatches();
      const batches = Array.from({ length: 15 }, () => b.next(Array.from({ length: 40 }, () => eventEntry())));
      const seen: [number, number][] = [];
      let done = false;
      const reads = (async () => {
        while (!done) {
          const page = await s.queryEvents({ limit: 10_000 });
          const kg = await s.statementCounts();
          seen.push([page.events.length, kg['epcis.event'] ?? 0]);
          await new Promise((r) => setImmediate(r));
        }
      })();
      for (const batch of batches) await s.apply(batch);
      done = true;
      await reads;
      expect(seen.length).toBeGreaterThan(0);
      for (const [events, statements] of seen) {
        expect(events % 40).toBe(0);
        expect(statements % 40).toBe(0);
      }
    });

    it('lets only one of two applies from the same size succeed', async () => {
      const s = await fresh();
      const one = ReadModelBatches.at(0, [eventEntry({ eventId: 'urn:one' })]);
      const two = ReadModelBatches.at(0, [eventEntry({ eventId: 'urn:two' })]);
      const results = await Promise.allSettled([s.apply(one), s.apply(two)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(failed.reason).toMatchObject({ code: 'conflict' });
      expect(await s.indexedSize()).toBe(1);
      expect((await s.queryEvents({ limit: 10 })).events).toHaveLength(1);
    });

    it('fails every call with unavailable once closed', async () => {
      const s = await driver.create();
      await s.close();
      await s.close();
      await expect(s.indexedSize()).rejects.toMatchObject({ code: 'unavailable' });
      await expect(s.apply(ReadModelBatches.at(0, []))).rejects.toMatchObject({ code: 'unavailable' });
      const doc = new TextEncoder().encode('doc');
      await expect(s.putDocument(digestOf(doc), doc, 'text/plain')).rejects.toMatchObject({ code: 'unavailable' });
      await expect(s.document(digestOf(doc))).rejects.toMatchObject({ code: 'unavailable' });
    });

    (driver.reopen ? it : () => {})('keeps what it indexed across reopen', async () => {
      const s = await fresh();
      const b = new ReadModelBatches();
      await s.apply(b.next(queryDataset()));
      await s.putToken(sha256Hex('tok'), 'a1', 1);
      const doc = patterned(70_000);
      await s.putDocument(digestOf(doc), doc, 'application/octet-stream');
      const stored = await s.document(digestOf(doc));
      const digest = await s.digest();
      await s.close();
      const again = await (driver.reopen as (x: ReadModelStore) => Promise<ReadModelStore>)(s);
      opened.push(again);
      expect(await again.indexedSize()).toBe(9);
      expect(await again.digest()).toBe(digest);
      expect(await again.tokenActor(sha256Hex('tok'))).toBe('a1');
      expect(await again.document(digestOf(doc))).toEqual(stored);
      await again.apply(b.next([statementEntry('passport')]));
      expect(await again.indexedSize()).toBe(10);
    });
  },
);
