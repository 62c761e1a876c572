/**
 * GS1 EPCIS 2.0 conformance, against ../shared/conformance/epcis:
 * the official GS1 examples, the OpenEPCIS test resources (valid and invalid),
 * and the CBV 2.0 event hash ID vectors of RalphTro/epcis-event-hash-generator.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EVENT_HASH_VERSION,
  epcisDocumentIssues,
  epcisEventIssues,
  eventHashId,
  eventPreHash,
  type ValidationIssue,
  validateEpcisDocument,
  validateEpcisEvent,
} from '../../src/epcis/index.js';
import { conformanceDir, projectRoot } from '../helpers/env.js';

const dir = conformanceDir();
const epcis = dir === null ? '' : path.join(dir, 'epcis');
const OPENEPCIS = 'openepcis/2.0/EPCIS/JSON';
const HASH_ID = /^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/;

function files(sub: string, keep: (rel: string) => boolean): string[] {
  if (dir === null) return [];
  const root = path.join(epcis, sub);
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((n) =>
      statSync(path.join(d, n)).isDirectory() ? walk(path.join(d, n)) : [path.join(d, n)],
    );
  return walk(root)
    .map((f) => path.relative(root, f).split(path.sep).join('/'))
    .filter(keep)
    .sort();
}
const json = (sub: string, rel: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(epcis, sub, rel), 'utf8'));
const isJson = (f: string) => /\.json(ld)?$/.test(f);

/** The events of an EPCISQueryDocument, with where each one sits. */
function queryEvents(doc: Record<string, unknown>): [unknown, string][] {
  const body = doc['epcisBody'] as { queryResults: { resultsBody: { eventList: unknown[] } } };
  return body.queryResults.resultsBody.eventList.map((e, i) => [
    e,
    `/epcisBody/queryResults/resultsBody/eventList/${i}`,
  ]);
}
const show = (issues: ValidationIssue[]) => issues.map((x) => `${x.pointer}: ${x.reason}`).join('\n    ');
function expectWellFormed(issues: ValidationIssue[]): void {
  expect(issues.length).toBeGreaterThan(0);
  for (const x of issues) {
    expect(x.pointer).toMatch(/^(\/[^/]*)*$/);
    expect(x.reason.length).toBeGreaterThan(10);
  }
}

describe.skipIf(dir === null)('EPCIS conformance', () => {
  it('src/epcis/gs1-epcis-json-schema.json is a byte-identical copy of the official GS1 schema', () => {
    const shipped = readFileSync(path.join(projectRoot, 'src/epcis/gs1-epcis-json-schema.json'));
    const official = readFileSync(path.join(epcis, 'schema/EPCIS-JSON-Schema.json'));
    expect(shipped.equals(official)).toBe(true);
  });

  describe('(a) the official GS1 examples are accepted', () => {
    const all = files('gs1-examples', isJson);
    const events = all.filter((f) => f.startsWith('JSON-Schema-test/'));
    const documents = all.filter((f) => !f.startsWith('JSON-Schema-test/'));

    it('there are 47 example documents and 5 schema-test events', () => {
      expect(documents).toHaveLength(47);
      expect(events).toHaveLength(5);
    });

    it.each(documents)('%s', (f) => {
      const doc = json('gs1-examples', f);
      if (doc['type'] === 'EPCISQueryDocument') {
        // A query result, not a capture: its events are what matterlog validates (the query side).
        expect(epcisDocumentIssues(doc)[0]?.reason).toContain('query result');
        for (const [event, at] of queryEvents(doc)) expect(epcisEventIssues(event, at), at).toEqual([]);
        return;
      }
      const issues = epcisDocumentIssues(doc);
      expect(issues, show(issues)).toEqual([]);
      const { events: evs, context } = validateEpcisDocument(doc);
      for (const e of evs) expect(eventHashId(e, context)).toMatch(HASH_ID);
    });

    // JSON-Schema/test/*.json are single events with their own @context, not documents.
    it.each(events)('%s (a single event)', (f) => {
      const issues = epcisEventIssues(json('gs1-examples', f));
      expect(issues, show(issues)).toEqual([]);
    });
  });

  describe('(b) the OpenEPCIS invalid documents are rejected, each for its own reason', () => {
    const invalid = files(OPENEPCIS, (f) => /(^|\/)Invalid\/[^/]+\.json$/.test(f));
    /** What each file does wrong, as pointer → what the reason must say. */
    const expected: Record<string, [string, RegExp][]> = {
      'Capture/Invalid/Combination_of_events_with_missing_mandatory_fields.json': [
        ['/epcisBody/eventList/0', /missing required property 'action'/],
        ['/epcisBody/eventList/1', /missing required property 'eventTimeZoneOffset'/],
        ['/epcisBody/eventList/1', /missing required property 'action'/],
      ],
      'Capture/Invalid/Combination_of_multiple_invalid_fields.json': [
        ['/epcisBody/eventList/0/bizStep', /CBV 2\.0 bizStep word .* 'transforming' is neither/],
        ['/epcisBody/eventList/1/disposition', /CBV 2\.0 disposition word .* 'in_transport' is neither/],
        ['/epcisBody/eventList/2/sourceList/0/type', /source\/destination type .* 'place' is neither/],
        ['/epcisBody/eventList/3/ilmd/materialType', /needs a namespace/],
        ['/epcisBody/eventList/4/eventTime', /RFC 3339 date-time/],
        ['/epcisBody/eventList/4/action', /'OBSERVE', 'ADD', 'DELETE'/],
      ],
      'Capture/Invalid/Combination_of_non_standard_bizStep_and_disposition.json': [
        ['/epcisBody/eventList/0/bizStep', /'transforming' is neither/],
        ['/epcisBody/eventList/1/disposition', /'in_transport' is neither/],
      ],
      'Capture/Invalid/EPCISDocument_without_context.json': [['', /missing required property '@context'/]],
      'Capture/Invalid/ObjectEvent_with_ilmd_field_without_namespace.json': [
        ['/epcisBody/eventList/0/ilmd/materialType', /ILMD field 'materialType' needs a namespace/],
      ],
      'Capture/Invalid/ObjectEvent_with_invalid_action.json': [['/epcisBody/eventList/0/action', /must be one of/]],
      'Capture/Invalid/ObjectEvent_with_invalid_certificationInfo.json': [
        ['/epcisBody/eventList/0/certificationInfo', /array of URIs or an absolute URI/],
      ],
      'Capture/Invalid/ObjectEvent_with_invalid_eventTime_format.json': [
        ['/epcisBody/eventList/0/eventTime', /RFC 3339 date-time with an explicit offset/],
      ],
      'Capture/Invalid/ObjectEvent_with_non_standard_bizStep.json': [
        ['/epcisBody/eventList/0/bizStep', /bizStep word/],
      ],
      'Capture/Invalid/ObjectEvent_with_non_standard_bizStep_in_second_event.json': [
        ['/epcisBody/eventList/1/bizStep', /bizStep word/],
      ],
      'Capture/Invalid/ObjectEvent_with_non_standard_disposition.json': [
        ['/epcisBody/eventList/0/disposition', /disposition word/],
      ],
      'Capture/Invalid/ObjectEvent_with_quantity_as_text.json': [
        ['/epcisBody/eventList/0/quantityList/0/quantity', /must be a number, not a string/],
      ],
      'Capture/Invalid/ObjectEvent_with_unknown_field_in_quantityList.json': [
        ['/epcisBody/eventList/0/quantityList/0/weight', /unknown property 'weight'/],
      ],
      'Capture/Invalid/ObjectEvent_without_action_and_eventTime.json': [
        ['/epcisBody/eventList/0', /missing required property 'eventTime'/],
        ['/epcisBody/eventList/0', /missing required property 'eventTimeZoneOffset'/],
        ['/epcisBody/eventList/0', /missing required property 'action'/],
      ],
      'Capture/Invalid/ObjectEvent_without_identifier_list.json': [
        ['/epcisBody/eventList/0', /needs 'epcList', or 'quantityList', or 'sensorElementList' and 'readPoint'/],
      ],
      'Query/Invalid/QueryDocument_with_invalid_action.json': [
        ['/epcisBody/queryResults/resultsBody/eventList/0/action', /must be one of/],
      ],
      'Query/Invalid/QueryDocument_with_invalid_eventType.json': [
        [
          '/epcisBody/queryResults/resultsBody/eventList/0/type',
          /ObjectEvent, .* or the absolute URI of an extension event type/,
        ],
      ],
      // Query parameters, not EPCIS documents (the query API checks those against query-schema.json).
      'Query/Queries/Invalid/Query_with_invalid_values.json': [['', /missing required property 'type'/]],
      'Query/Queries/Invalid/Query_with_unknown_parameter.json': [['', /missing required property 'type'/]],
    };

    it('covers every Invalid file', () => {
      expect(invalid).toEqual(Object.keys(expected).sort());
    });

    it.each(invalid)('%s', (f) => {
      const doc = json(OPENEPCIS, f);
      expect(() => validateEpcisDocument(doc)).toThrow(/not valid EPCIS 2\.0/);
      const issues =
        doc['type'] === 'EPCISQueryDocument'
          ? queryEvents(doc).flatMap(([event, at]) => epcisEventIssues(event, at))
          : epcisDocumentIssues(doc);
      expectWellFormed(issues);
      console.log(`${f}\n    ${show(issues)}`);
      const want = expected[f] ?? [];
      expect(issues.map((x) => x.pointer)).toEqual(want.map(([p]) => p));
      for (const [i, [, reason]] of want.entries()) expect(issues[i]?.reason).toMatch(reason);
    });
  });

  describe('(c) the OpenEPCIS valid documents are accepted, except five the official schema rejects', () => {
    const documents = files(OPENEPCIS, (f) => /^Capture\/Documents\/[^/]+\.json$/.test(f));
    const events = files(OPENEPCIS, (f) => /^Capture\/Events\/[^/]+\.json$/.test(f));
    const queries = files(OPENEPCIS, (f) => /^Query\/[^/]+\.json$/.test(f));
    const sensorTypes: [string, RegExp][] = [
      [
        '/eventList/7/sensorElementList/0/sensorReport/1/type',
        /GS1 measurement type .* 'Molar_concentration' is neither/,
      ],
      ['/eventList/7/sensorElementList/0/sensorReport/2/type', /'Molar_concentration' is neither/],
      ['/eventList/8/sensorElementList/0/sensorReport/0', /missing required property 'type'/],
      ['/eventList/8/sensorElementList/0/sensorReport/1', /missing required property 'type'/],
      ['/eventList/10/sensorElementList/0/sensorReport/0/type', /'EffectiveDoseRate' is neither/],
    ];
    const effectiveDose: [string, RegExp][] = [
      ['/eventList/0/sensorElementList/0/sensorReport/0/type', /'EffectiveDoseRate'/],
    ];
    /** The five that fail the official schema, and exactly why. */
    const rejected: Record<string, [string, RegExp][]> = {
      'Capture/Documents/AggregationEvent_with_persistentDisposition.json': [
        [
          '/epcisBody/eventList/1/persistentDisposition',
          /unknown property 'persistentDisposition': not a field of AggregationEvent/,
        ],
      ],
      'Capture/Documents/SensorData_with_combined_events.json': sensorTypes.map(([p, r]) => [`/epcisBody${p}`, r]),
      'Capture/Documents/TransactionEvent_with_userExtensions.json': effectiveDose.map(([p, r]) => [
        `/epcisBody${p}`,
        r,
      ]),
      'Query/SensorData_with_combined_events.json': sensorTypes.map(([p, r]) => [
        `/epcisBody/queryResults/resultsBody${p}`,
        r,
      ]),
      'Query/TransactionEvent_with_userExtensions.json': effectiveDose.map(([p, r]) => [
        `/epcisBody/queryResults/resultsBody${p}`,
        r,
      ]),
    };

    it('finds 38 documents, 5 single events and 9 query documents', () => {
      expect([documents.length, events.length, queries.length]).toEqual([38, 5, 9]);
      expect(Object.keys(rejected).every((f) => [...documents, ...queries].includes(f))).toBe(true);
    });

    it.each([...documents, ...queries])('%s', (f) => {
      const doc = json(OPENEPCIS, f);
      const issues = f.startsWith('Query/')
        ? queryEvents(doc).flatMap(([event, at]) => epcisEventIssues(event, at))
        : epcisDocumentIssues(doc);
      const want = rejected[f];
      if (want === undefined) {
        expect(issues, show(issues)).toEqual([]);
        if (!f.startsWith('Query/')) {
          const { events: evs, context } = validateEpcisDocument(doc);
          for (const e of evs) expect(eventHashId(e, context)).toMatch(HASH_ID);
        }
        return;
      }
      console.log(`${f} (rejected: fails the official schema)\n    ${show(issues)}`);
      expect(issues.map((x) => x.pointer)).toEqual(want.map(([p]) => p));
      for (const [i, [, reason]] of want.entries()) expect(issues[i]?.reason).toMatch(reason);
    });

    it.each(events)('%s (a single event)', (f) => {
      expect(validateEpcisEvent(json(OPENEPCIS, f)).type).toMatch(/Event$/);
    });
  });

  describe(`(d) CBV 2.0 event hash IDs match the reference vectors line by line`, () => {
    const documents = files('hash-ids/documents', isJson);

    it('has vectors', () => {
      expect(documents.length).toBeGreaterThanOrEqual(6);
      expect(EVENT_HASH_VERSION).toBe('CBV2.0');
    });

    it.each(documents)('%s', (f) => {
      const doc = json('hash-ids/documents', f);
      const base = f.replace(/\.json(ld)?$/, '');
      const lines = (ext: string) =>
        readFileSync(path.join(epcis, 'hash-ids/expected/CBV2.0', `${base}.${ext}`), 'utf8')
          .trimEnd()
          .split('\n');
      const preHashes = lines('prehashes');
      const hashes = lines('hashes');
      const { events, context } = validateEpcisDocument(doc);
      expect(events.length).toBe(preHashes.length);
      expect(events.length).toBe(hashes.length);
      events.forEach((e, i) => {
        expect(eventPreHash(e, context), `${f} event ${i} pre-hash`).toBe(preHashes[i]);
        expect(eventHashId(e, context), `${f} event ${i} hash`).toBe(hashes[i]);
      });
    });
  });
});
