/**
 * What the read model indexes of one validated event: when, what happened, where,
 * and which objects (instance EPCs) and which quantities of which classes were
 * involved, with masses in kilograms for the mass balance.
 */
import { MatterlogError } from '../ledger/errors.js';
import { parseTimestamp } from './timestamps.js';
import type { EpcisEvent } from './types.js';
import { toKilograms } from './units.js';
import { normaliseBizStep, normaliseDisposition } from './vocabulary.js';

export type EpcField = 'epc' | 'parentID' | 'childEPC' | 'inputEPC' | 'outputEPC';
export type ClassField = 'quantity' | 'childQuantity' | 'inputQuantity' | 'outputQuantity';

export interface EventEpc {
  field: EpcField;
  epc: string;
}

export interface EventClass {
  field: ClassField;
  epcClass: string;
  /** null: the element gave no quantity (EPCIS allows that: "some of this class"). */
  quantity: number | null;
  /** null: no unit, so the quantity counts instances. */
  uom: string | null;
  /** The quantity in kilograms, or null when it is not a mass (or there is no quantity). */
  kg: number | null;
}

export interface EventIndexFields {
  eventType: string;
  eventTimeMs: number;
  action: string | null;
  /** Bare CBV word when the step is a CBV one in any of its spellings; otherwise the URI as sent. */
  bizStep: string | null;
  disposition: string | null;
  readPoint: string | null;
  bizLocation: string | null;
  epcs: EventEpc[];
  classes: EventClass[];
}

/** Object-identifying lists in every event type, with the index field each one fills. */
const EPC_LISTS: [string, EpcField][] = [
  ['epcList', 'epc'],
  ['childEPCs', 'childEPC'],
  ['inputEPCList', 'inputEPC'],
  ['outputEPCList', 'outputEPC'],
];
const QUANTITY_LISTS: [string, ClassField][] = [
  ['quantityList', 'quantity'],
  ['childQuantityList', 'childQuantity'],
  ['inputQuantityList', 'inputQuantity'],
  ['outputQuantityList', 'outputQuantity'],
];

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const idOf = (v: unknown): string | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? str((v as Record<string, unknown>)['id']) : null;

/**
 * The index fields of one event that passed `validateEpcisEvent`. Which lists an
 * event may carry depends on its type (ObjectEvent: epcList/quantityList;
 * AggregationEvent and AssociationEvent: parentID/childEPCs/childQuantityList;
 * TransactionEvent: parentID/epcList/quantityList; TransformationEvent: input and
 * output lists); the schema enforces that, so this reads whichever are present.
 */
export function eventIndexFields(event: EpcisEvent | Readonly<Record<string, unknown>>): EventIndexFields {
  const eventTime = str(event['eventTime']);
  const time = eventTime === null ? null : parseTimestamp(eventTime);
  if (time === null) {
    throw new MatterlogError('invalid_input', 'the event has no eventTime with an explicit offset: validate it first', {
      details: { errors: [{ pointer: '/eventTime', reason: 'must be an RFC 3339 date-time with an explicit offset' }] },
    });
  }
  const epcs: EventEpc[] = [];
  const parent = str(event['parentID']);
  if (parent !== null) epcs.push({ field: 'parentID', epc: parent });
  for (const [list, field] of EPC_LISTS) {
    const items = event[list];
    if (!Array.isArray(items)) continue;
    for (const epc of items) if (typeof epc === 'string') epcs.push({ field, epc });
  }
  const classes: EventClass[] = [];
  for (const [list, field] of QUANTITY_LISTS) {
    const items = event[list];
    if (!Array.isArray(items)) continue;
    for (const q of items as Record<string, unknown>[]) {
      const epcClass = str(q['epcClass']);
      if (epcClass === null) continue;
      const quantity = typeof q['quantity'] === 'number' ? q['quantity'] : null;
      const uom = str(q['uom']);
      classes.push({ field, epcClass, quantity, uom, kg: quantity === null ? null : toKilograms(quantity, uom) });
    }
  }
  const bizStep = str(event['bizStep']);
  const disposition = str(event['disposition']);
  return {
    eventType: str(event['type']) ?? '',
    eventTimeMs: time.epochMs,
    action: str(event['action']),
    bizStep: bizStep === null ? null : normaliseBizStep(bizStep),
    disposition: disposition === null ? null : normaliseDisposition(disposition),
    readPoint: idOf(event['readPoint']),
    bizLocation: idOf(event['bizLocation']),
    epcs,
    classes,
  };
}
