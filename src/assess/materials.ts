/**
 * The materials catalog: a hierarchy of material ids (`family/name`) with their
 * end-of-life greenhouse-gas factors per route, as published by the US EPA.
 *
 * Factors are the EPA WARM Version 16 (December 2023) "Summary Data" figures,
 * in metric tons of CO2 equivalent per short ton of material managed (the
 * unit they are published in), emissions minus avoided emissions: negative
 * means the route saves more than it emits. Public domain (US government work).
 * A material WARM does not model has no factor (null), never a guess.
 */
export const WARM_SOURCE = 'US EPA WARM Version 16 (December 2023), Summary Data, MTCO2E per short ton';

/** Metric tons per short ton: 1 MTCO2E/short ton = 1000/907.18474 kg CO2e per kg. */
export const KG_PER_KG_PER_MTCO2E_PER_SHORT_TON = 1000 / 907.18474;

export type MaterialFamily =
  | 'polymer'
  | 'metal'
  | 'glass'
  | 'fibre'
  | 'textile'
  | 'organic'
  | 'composite'
  | 'hazardous'
  | 'electronics'
  | 'rubber';

/** WARM's end-of-life pathways that a factor exists for. */
export type WarmPathway = 'recycled' | 'landfilled' | 'combusted' | 'composted';

export interface WarmFactors {
  /** WARM's material name. */
  material: string;
  /** MTCO2E per short ton; null where WARM does not model the pathway for this material. */
  recycled: number | null;
  landfilled: number | null;
  combusted: number | null;
  composted: number | null;
}

export interface MaterialEntry {
  id: string;
  family: MaterialFamily;
  name: string;
  /** The WARM material whose factors apply, or null when WARM has none. */
  warm: WarmFactors | null;
}

const w = (
  material: string,
  recycled: number | null,
  landfilled: number | null,
  combusted: number | null,
  composted: number | null,
): WarmFactors => ({ material, recycled, landfilled, combusted, composted });

export const MATERIALS: readonly MaterialEntry[] = [
  { id: 'polymer/PET', family: 'polymer', name: 'polyethylene terephthalate', warm: w('PET', -1.04, 0.02, 1.24, null) },
  {
    id: 'polymer/HDPE',
    family: 'polymer',
    name: 'high-density polyethylene',
    warm: w('HDPE', -0.76, 0.02, 1.29, null),
  },
  { id: 'polymer/LDPE', family: 'polymer', name: 'low-density polyethylene', warm: w('LDPE', null, 0.02, 1.29, null) },
  {
    id: 'polymer/LLDPE',
    family: 'polymer',
    name: 'linear low-density polyethylene',
    warm: w('LLDPE', null, 0.02, 1.29, null),
  },
  { id: 'polymer/PP', family: 'polymer', name: 'polypropylene', warm: w('PP', -0.79, 0.02, 1.29, null) },
  { id: 'polymer/PS', family: 'polymer', name: 'polystyrene', warm: w('PS', null, 0.02, 1.65, null) },
  { id: 'polymer/PVC', family: 'polymer', name: 'polyvinyl chloride', warm: w('PVC', null, 0.02, 0.66, null) },
  {
    id: 'polymer/PLA',
    family: 'polymer',
    name: 'polylactic acid (compostable)',
    warm: w('PLA', null, -1.64, -0.63, -0.13),
  },
  {
    id: 'polymer/ABS',
    family: 'polymer',
    name: 'acrylonitrile butadiene styrene',
    warm: w('Mixed Plastics', -0.93, 0.02, 1.26, null),
  },
  {
    id: 'polymer/mixed',
    family: 'polymer',
    name: 'mixed plastics',
    warm: w('Mixed Plastics', -0.93, 0.02, 1.26, null),
  },
  {
    id: 'metal/aluminium',
    family: 'metal',
    name: 'aluminium (packaging)',
    warm: w('Aluminum Cans', -9.13, 0.02, 0.03, null),
  },
  {
    id: 'metal/aluminium-ingot',
    family: 'metal',
    name: 'aluminium (ingot, cast and wrought parts)',
    warm: w('Aluminum Ingot', -7.2, 0.02, 0.03, null),
  },
  { id: 'metal/steel', family: 'metal', name: 'steel', warm: w('Steel Cans', -1.83, 0.02, -1.59, null) },
  { id: 'metal/copper', family: 'metal', name: 'copper', warm: w('Copper Wire', -4.49, 0.02, 0.03, null) },
  { id: 'metal/mixed', family: 'metal', name: 'mixed metals', warm: w('Mixed Metals', -4.39, 0.02, -1.02, null) },
  { id: 'glass/clear', family: 'glass', name: 'clear (flint) glass', warm: w('Glass', -0.28, 0.02, 0.03, null) },
  { id: 'glass/green', family: 'glass', name: 'green glass', warm: w('Glass', -0.28, 0.02, 0.03, null) },
  { id: 'glass/brown', family: 'glass', name: 'brown (amber) glass', warm: w('Glass', -0.28, 0.02, 0.03, null) },
  {
    id: 'fibre/cardboard',
    family: 'fibre',
    name: 'corrugated board',
    warm: w('Corrugated Containers', -3.14, 0.18, -0.49, null),
  },
  { id: 'fibre/paper', family: 'fibre', name: 'paper', warm: w('Mixed Paper (general)', -3.55, 0.07, -0.49, null) },
  {
    id: 'fibre/office-paper',
    family: 'fibre',
    name: 'office paper',
    warm: w('Office Paper', -2.86, 1.13, -0.47, null),
  },
  { id: 'textile/carpet', family: 'textile', name: 'carpet', warm: w('Carpet', -2.38, 0.02, 1.1, null) },
  { id: 'textile/cotton', family: 'textile', name: 'cotton textile', warm: null },
  { id: 'textile/polyester', family: 'textile', name: 'polyester textile', warm: null },
  { id: 'organic/food', family: 'organic', name: 'food waste', warm: w('Food Waste', null, 0.5, -0.13, -0.15) },
  {
    id: 'organic/yard',
    family: 'organic',
    name: 'yard trimmings',
    warm: w('Yard Trimmings', null, -0.2, -0.17, -0.11),
  },
  { id: 'organic/wood', family: 'organic', name: 'wood', warm: w('Dimensional Lumber', -1.66, -0.92, -0.58, null) },
  { id: 'composite/multilayer-film', family: 'composite', name: 'multilayer laminate film', warm: null },
  { id: 'composite/liquid-board', family: 'composite', name: 'paperboard laminated with PE (and foil)', warm: null },
  { id: 'hazardous/li-ion-battery', family: 'hazardous', name: 'lithium-ion battery', warm: null },
  {
    id: 'electronics/pcb',
    family: 'electronics',
    name: 'printed circuit board',
    warm: w('Mixed Electronics', -0.9, 0.02, 0.34, null),
  },
  {
    id: 'electronics/portable-device',
    family: 'electronics',
    name: 'portable electronic device',
    warm: w('Portable Electronic Devices', -1.06, 0.02, 0.65, null),
  },
  { id: 'rubber/tyre', family: 'rubber', name: 'tyre rubber', warm: w('Tires', -0.38, 0.02, 0.5, null) },
];

const BY_ID = new Map(MATERIALS.map((m) => [m.id, m]));

export function material(id: string): MaterialEntry | undefined {
  return BY_ID.get(id);
}

/** kg CO2e per kg of the material through a WARM pathway, or null when WARM has no factor. */
export function warmKgPerKg(id: string, pathway: WarmPathway): number | null {
  const f = BY_ID.get(id)?.warm?.[pathway];
  return f === null || f === undefined ? null : f * KG_PER_KG_PER_MTCO2E_PER_SHORT_TON;
}
