/**
 * The flow rules on hand-built flows, each with one case that must raise the
 * rule and one just inside its tolerance that must not; the numbers are worked
 * out in the comments.
 */
import { describe, expect, it } from 'vitest';
import { DISP_FOR_RECYCLING } from '../epcis/index.js';
import { DEFAULT_FLOW_RULES, massBalance, overdrawnLots, unreceivedShipments } from './flow-rules.js';
import type { Flow, FlowKind } from './flows.js';

const PLANT = 'urn:epc:id:sgln:4012345.00007.0';
const SORTER = 'urn:epc:id:sgln:4012345.00003.0';
const BALES = 'urn:epc:class:lgtin:4012345.099001.B1';
const FLAKES = 'urn:epc:class:lgtin:4012345.099002.F1';
const day = (d: number) => Date.UTC(2045, 0, d);
let next = 0;
const flow = (kind: FlowKind, kg: number, d: number, over: Partial<Flow> = {}): Flow => ({
  index: next++,
  eventTimeMs: day(d),
  facility: PLANT,
  epcClass: BALES,
  kind,
  kg,
  disposition: null,
  actor: 'recycler.example/plant-7',
  ...over,
});
/** Two stock counts as separate events (one index each), with several classes in one count. */
const count = (d: number, stock: [string, number][]) => {
  const index = next++;
  return stock.map(([epcClass, kg]) => flow('stock', kg, d, { index, epcClass }));
};
// Bales are 90% PET and 10% paper; flakes pure PET.
const compositions = new Map<string, Record<string, number>>([
  [BALES, { 'polymer/PET': 0.9, 'fibre/paper': 0.1 }],
  [FLAKES, { 'polymer/PET': 1 }],
]);

describe('mass balance between stock-takings', () => {
  // Opening: 1,000 kg of bales. In: 10,000 kg of bales received. Out: 9,000 kg of bales consumed,
  // 7,600 kg of flakes produced and 7,000 kg shipped. Closing: 2,000 kg bales, 600 kg flakes.
  // PET: 900 + 9,000 + 7,600 − 8,100 − 7,000 − (1,800 + 600) = 0 … unless the closing count is off.
  const base = (closingFlakes: number) => [
    ...count(1, [[BALES, 1000]]),
    flow('received', 10_000, 5),
    flow('consumed', 9000, 10),
    flow('produced', 7600, 10, { epcClass: FLAKES }),
    flow('shipped', 7000, 20, { epcClass: FLAKES }),
    ...count(31, [
      [BALES, 2000],
      [FLAKES, closingFlakes],
    ]),
  ];

  it('balances when the counts agree, and flags 400 kg of PET vanished when the closing count is 400 kg short', () => {
    expect(massBalance(base(600), compositions, DEFAULT_FLOW_RULES).findings).toEqual([]);
    const { findings } = massBalance(base(200), compositions, DEFAULT_FLOW_RULES);
    // PET in: 900 opening + 9,000 received + 7,600 produced = 17,500; allowed 2% of that + 10 = 360 kg.
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: 'mass-balance',
      subject: { facility: PLANT, material: 'polymer/PET' },
      numbers: { openingKg: 900, inKg: 16_600, outKg: 15_100, closingKg: 2000, imbalanceKg: 400, allowedKg: 360 },
    });
  });

  it('allows an imbalance just inside the tolerance (350 kg of the 360 allowed)', () => {
    expect(massBalance(base(250), compositions, DEFAULT_FLOW_RULES).findings).toEqual([]);
  });

  it('reads a count recorded in several events at one time as one count, and cites them all', () => {
    const opening = count(1, [[BALES, 1000]]);
    const received = flow('received', 10_000, 5);
    const consumed = flow('consumed', 9000, 10);
    const produced = flow('produced', 7600, 10, { epcClass: FLAKES });
    const shipped = flow('shipped', 7000, 20, { epcClass: FLAKES });
    // The closing count split in two events (bales in one, flakes in the other), both at day 31.
    const bales = count(31, [[BALES, 2000]]);
    const flakes = (kg: number) => count(31, [[FLAKES, kg]]);
    const honest = [...opening, received, consumed, produced, shipped, ...bales, ...flakes(600)];
    expect(massBalance(honest, compositions, DEFAULT_FLOW_RULES).findings).toEqual([]);
    const short = flakes(200);
    const [f, ...rest] = massBalance(
      [...opening, received, consumed, produced, shipped, ...bales, ...short],
      compositions,
      DEFAULT_FLOW_RULES,
    ).findings;
    expect(rest).toEqual([]);
    expect(f?.numbers).toMatchObject({ closingKg: 2000, imbalanceKg: 400 });
    expect(f?.statements).toEqual(
      [opening, [received, consumed, produced, shipped], bales, short]
        .flat()
        .map((x) => x.index)
        .sort((a, b) => a - b),
    );
  });

  it('does not judge a facility that never counted its stock, and says so', () => {
    const r = massBalance([flow('received', 1000, 3), flow('shipped', 200, 4)], compositions, DEFAULT_FLOW_RULES);
    expect(r).toEqual({ findings: [], unbalanced: [PLANT] });
  });
});

describe('overdrawn lots', () => {
  it('reads a lot counted in two bins at one time as their sum', () => {
    // 600 kg + 400 kg counted at day 1 in two counting events, then 1,000 kg consumed: nothing overdrawn.
    const bins = [...count(1, [[BALES, 600]]), ...count(1, [[BALES, 400]]), flow('consumed', 1000, 2)];
    expect(overdrawnLots(bins, DEFAULT_FLOW_RULES)).toEqual([]);
    // A later count replaces the stock: 300 kg counted at day 3, then 500 kg consumed is 200 kg overdrawn.
    const [f] = overdrawnLots([...bins, ...count(3, [[BALES, 300]]), flow('consumed', 500, 4)], DEFAULT_FLOW_RULES);
    expect(f?.numbers).toMatchObject({ overdrawnKg: 200, everInKg: 1000 });
  });

  it('raises a lot consumed twice, and material from nowhere', () => {
    const twice = [flow('received', 5000, 1), flow('consumed', 5000, 2), flow('consumed', 5000, 3)];
    expect(overdrawnLots(twice, DEFAULT_FLOW_RULES)).toEqual([
      expect.objectContaining({
        rule: 'overdrawn-lot',
        numbers: { everInKg: 5000, overdrawnKg: 5000, lastDrawKg: 5000 },
      }),
    ]);
    const nowhere = [flow('shipped', 300, 2, { epcClass: FLAKES })];
    const [f] = overdrawnLots(nowhere, DEFAULT_FLOW_RULES);
    expect(f?.severity).toBe('high');
    expect(f?.message).toMatch(/material from nowhere/);
  });

  it('lets a draw within 1 kg of what was held pass, and counts a stock-taking as holding', () => {
    expect(overdrawnLots([flow('received', 1000, 1), flow('consumed', 1000.9, 2)], DEFAULT_FLOW_RULES)).toEqual([]);
    expect(overdrawnLots([...count(1, [[BALES, 800]]), flow('consumed', 800, 2)], DEFAULT_FLOW_RULES)).toEqual([]);
  });
});

describe('shipments', () => {
  const facilities = new Map([
    [SORTER, 'sorting'],
    ['urn:epc:id:sgln:4012345.00099.0', 'landfill'],
  ]);
  const ship = (kg: number, destination: string, d = 1, disposition: string | null = null) =>
    flow('shipped', kg, d, { destination, disposition });
  const receive = (kg: number, d: number) => flow('received', kg, d, { facility: SORTER });

  it('raises a shipment not received within 30 days, and one received short beyond 2%', () => {
    const f = unreceivedShipments([ship(1000, SORTER), receive(1000, 40)], facilities, DEFAULT_FLOW_RULES);
    expect(f).toEqual([
      expect.objectContaining({ rule: 'shipment-not-received', numbers: expect.objectContaining({ receivedKg: 0 }) }),
    ]);
    const short = unreceivedShipments([ship(1000, SORTER), receive(970, 3)], facilities, DEFAULT_FLOW_RULES);
    expect(short[0]?.numbers).toMatchObject({ shippedKg: 1000, receivedKg: 970, missingKg: 30 });
  });

  it('accepts a receipt 2% short (980 of 1,000 kg) within the transit time', () => {
    expect(unreceivedShipments([ship(1000, SORTER), receive(980, 29)], facilities, DEFAULT_FLOW_RULES)).toEqual([]);
  });

  it('raises material declared for recycling sent to a landfill or to an unregistered place', () => {
    const landfill = 'urn:epc:id:sgln:4012345.00099.0';
    const nowhere = 'urn:epc:id:sgln:4012345.00098.0';
    const rules = unreceivedShipments(
      [
        ship(500, landfill, 1, DISP_FOR_RECYCLING),
        flow('received', 500, 2, { facility: landfill }),
        ship(400, nowhere, 1, DISP_FOR_RECYCLING),
        flow('received', 400, 2, { facility: nowhere }),
        ship(300, SORTER, 1, DISP_FOR_RECYCLING),
        receive(300, 2),
      ],
      facilities,
      DEFAULT_FLOW_RULES,
    ).map((x) => x.rule);
    expect(rules).toEqual(['non-recycling-recipient', 'unregistered-recipient']);
  });
});
