/**
 * EPCIS 2.0 REST query parameters → the read model's EventQuery. Several
 * values of one parameter may be repeated (`?EQ_bizStep=a&EQ_bizStep=b`) or
 * joined with `|`; any of them matches. Different parameters must all hold.
 * Unknown parameters are refused rather than ignored: a typo must not
 * silently widen a regulator's query.
 */
import { normaliseBizStep, normaliseDisposition } from '../epcis/index.js';
import { MatterlogError } from '../ledger/errors.js';
import type { ClassField, EpcField, EventQuery, QuantityQuery } from '../store/read-model.js';

export const MAX_PER_PAGE = 1000;
export const DEFAULT_PER_PAGE = 100;

const EPC_MATCHES: Record<string, EpcField[]> = {
  MATCH_epc: ['epc', 'childEPC'],
  MATCH_parentID: ['parentID'],
  MATCH_inputEPC: ['inputEPC'],
  MATCH_outputEPC: ['outputEPC'],
  MATCH_anyEPC: ['epc', 'parentID', 'childEPC', 'inputEPC', 'outputEPC'],
};

const CLASS_MATCHES: Record<string, ClassField[]> = {
  MATCH_epcClass: ['quantity', 'childQuantity'],
  MATCH_inputEPCClass: ['inputQuantity'],
  MATCH_outputEPCClass: ['outputQuantity'],
  MATCH_anyEPCClass: ['quantity', 'childQuantity', 'inputQuantity', 'outputQuantity'],
};

const LISTS = {
  eventType: 'eventTypes',
  EQ_action: 'actions',
  EQ_bizStep: 'bizSteps',
  EQ_disposition: 'dispositions',
  EQ_readPoint: 'readPoints',
  EQ_bizLocation: 'bizLocations',
  EQ_actor: 'actors',
} as const;

const TIMES = {
  GE_eventTime: 'eventTimeFromMs',
  LT_eventTime: 'eventTimeToMs',
  GE_recordTime: 'recordTimeFromMs',
  LT_recordTime: 'recordTimeToMs',
} as const;

const EVENT_TYPES = ['ObjectEvent', 'AggregationEvent', 'TransactionEvent', 'TransformationEvent', 'AssociationEvent'];

export const QUERY_PARAMETERS = [
  ...Object.keys(LISTS),
  ...Object.keys(TIMES),
  ...Object.keys(EPC_MATCHES),
  ...Object.keys(CLASS_MATCHES),
  'perPage',
  'nextPageToken',
];

export function bad(param: string, why: string): MatterlogError {
  return new MatterlogError('invalid_input', `query parameter ${param} ${why}`, { details: { parameter: param } });
}

export function parseTime(name: string, v: string): number {
  const ms = Date.parse(v);
  // An offset is required: a time without one would mean this server's local time.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) || Number.isNaN(ms)) {
    throw bad(name, `must be an ISO 8601 date-time with an offset, e.g. 2045-03-01T10:00:00Z (got ${v})`);
  }
  return ms;
}

function values(raw: string[]): string[] {
  return raw.flatMap((v) => v.split('|')).filter((v) => v.length > 0);
}

/** Parses the query string of GET /epcis/events. */
export function parseEventQuery(params: Record<string, string[]>): EventQuery {
  const q: EventQuery = { limit: DEFAULT_PER_PAGE };
  for (const [name, raw] of Object.entries(params)) {
    if (!QUERY_PARAMETERS.includes(name)) {
      throw bad(name, `is not supported; supported: ${QUERY_PARAMETERS.join(', ')}`);
    }
    const vs = values(raw);
    if (vs.length === 0) throw bad(name, 'has no value');
    if (name in LISTS) {
      let list = vs;
      if (name === 'eventType') {
        const unknown = vs.filter((v) => !EVENT_TYPES.includes(v));
        if (unknown.length > 0) throw bad(name, `must be one of ${EVENT_TYPES.join(', ')} (got ${unknown.join(', ')})`);
      }
      if (name === 'EQ_bizStep') list = vs.map(normaliseBizStep);
      if (name === 'EQ_disposition') list = vs.map(normaliseDisposition);
      q[LISTS[name as keyof typeof LISTS]] = list;
    } else if (name in TIMES) {
      if (vs.length !== 1) throw bad(name, 'takes one time');
      q[TIMES[name as keyof typeof TIMES]] = parseTime(name, vs[0] as string);
    } else if (name in EPC_MATCHES) {
      q.epcs = [...(q.epcs ?? []), { fields: EPC_MATCHES[name] as EpcField[], values: vs }];
    } else if (name in CLASS_MATCHES) {
      q.classes = [...(q.classes ?? []), { fields: CLASS_MATCHES[name] as ClassField[], values: vs }];
    } else if ((name === 'perPage' || name === 'nextPageToken') && vs.length !== 1) {
      throw bad(name, 'takes one value');
    } else if (name === 'perPage') {
      const n = Number(vs[0]);
      if (!Number.isInteger(n) || n < 1 || n > MAX_PER_PAGE)
        throw bad(name, `must be an integer from 1 to ${MAX_PER_PAGE}`);
      q.limit = n;
    } else if (name === 'nextPageToken') {
      const n = Number(vs[0]);
      if (!/^\d+$/.test(vs[0] as string) || !Number.isSafeInteger(n)) {
        throw bad(name, 'is not a token this server issued; use the Link header of the previous page');
      }
      q.afterIndex = n;
    }
  }
  return q;
}

/** What each quantity list means for the material it names, in words for the totals. */
export const QUANTITY_ROLES: Record<ClassField, string> = {
  quantity: 'observed (ObjectEvent / TransactionEvent quantityList)',
  childQuantity: 'aggregated or associated (childQuantityList)',
  inputQuantity: 'consumed by a transformation (inputQuantityList)',
  outputQuantity: 'produced by a transformation (outputQuantityList)',
};

const QUANTITY_PARAMETERS = ['facility', 'epcClass', 'GE_eventTime', 'LT_eventTime'];

/** Parses GET /quantities: facility (a bizLocation), epcClass, and an event-time range. */
export function parseQuantityQuery(params: Record<string, string[]>): QuantityQuery {
  const q: QuantityQuery = {};
  for (const [name, raw] of Object.entries(params)) {
    if (!QUANTITY_PARAMETERS.includes(name)) {
      throw bad(name, `is not supported; supported: ${QUANTITY_PARAMETERS.join(', ')}`);
    }
    if (raw.length !== 1 || raw[0] === '') throw bad(name, 'takes one value');
    const v = raw[0] as string;
    if (name === 'facility') q.facility = v;
    else if (name === 'epcClass') q.epcClass = v;
    else if (name === 'GE_eventTime') q.fromMs = parseTime(name, v);
    else q.toMs = parseTime(name, v);
  }
  return q;
}
