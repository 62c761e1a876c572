import { describe, expect, it } from 'vitest';
import { signedEvent } from '../../test/helpers/audited-fixtures.js';
import { DEPOT, event } from '../../test/helpers/epcis-fixtures.js';
import { ed25519NoteKey } from '../ledger/note.js';
import type { AuditedEvent } from './audited-event.js';
import { eventFindings, type RegistryFacts } from './event-rules.js';

const plant = ed25519NoteKey('recycler.example/plant-7', new Uint8Array(32).fill(61));
const keyHex = Array.from(plant.verifier.keyId, (b) => b.toString(16).padStart(2, '0')).join('');

const audited = (index: number, ev: Record<string, unknown>): AuditedEvent => signedEvent(index, plant, ev);

const transformation = (inTonnes: number, outKg: number) =>
  event({
    type: 'TransformationEvent',
    extra: {
      inputQuantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.099001.B1', quantity: inTonnes, uom: 'TNE' }],
      outputQuantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.099002.F1', quantity: outKg, uom: 'KGM' }],
    },
  });

const registered = Date.parse('2045-01-01T00:00:00Z');
const facts = (revokedFromMs?: number): RegistryFacts => ({
  registeredMs: new Map([[plant.signer.name, registered]]),
  revokedMs: new Map(
    revokedFromMs === undefined ? [] : [[`${plant.signer.name} ${keyHex}`, { fromMs: revokedFromMs, index: 9 }]],
  ),
});

describe('transformation mass gain', () => {
  it('raises a transformation that outputs 1% more than it took in, with its numbers', () => {
    // 1 t in, 1,010 kg out: 10 kg gained, 1% > the 0.5% tolerance.
    const [f] = eventFindings([audited(4, transformation(1, 1010))], facts());
    expect(f).toMatchObject({
      rule: 'transformation-mass-gain',
      severity: 'medium',
      numbers: { inputKg: 1000, outputKg: 1010, gainKg: 10, tolerance: 0.005 },
      statements: [4],
    });
    expect(f?.message).toMatch(/produced 1010 kg from 1000 kg of input: 10 kg \(1\.00%\) more/);
  });

  it('lets one just inside the tolerance pass (1,004 kg from 1 t), and ordinary losses', () => {
    expect(eventFindings([audited(4, transformation(1, 1004)), audited(5, transformation(2, 1700))], facts())).toEqual(
      [],
    );
  });
});

describe('events dated outside their signer’s registration', () => {
  it('raises an event dated before its actor was registered, and one after its key was revoked', () => {
    const early = audited(7, event({ eventTime: '2044-12-30T00:00:00Z', location: DEPOT }));
    const [before] = eventFindings([early], facts());
    // 2044-12-30 is two days before the registration on 2045-01-01.
    expect(before).toMatchObject({ rule: 'dated-before-registration', numbers: { daysBefore: 2 }, statements: [7] });
    const late = audited(8, event({ eventTime: '2045-03-01T09:00:00Z' }));
    const revokedFrom = Date.parse('2045-02-01T00:00:00Z');
    expect(eventFindings([late], facts(revokedFrom))).toEqual([
      expect.objectContaining({ rule: 'dated-after-revocation', severity: 'high', statements: [8, 9] }),
    ]);
    // Inside the registration and before the revocation: nothing.
    expect(eventFindings([late], facts(Date.parse('2045-03-01T09:00:01Z')))).toEqual([]);
  });
});
