/**
 * The routes catalog: the end-of-life processes a product's materials can go
 * through, what each accepts and at what yield, which design features and
 * contaminants it does not tolerate, and its capacity, cost, energy use and
 * emissions. Every yield names its source and how much to trust it:
 * `published` (a figure reported by an industry body or a study), `derived`
 * (computed from published figures, the computation named), or `assumption`
 * (matterlog's placeholder where the reference set has no figure). All are
 * defaults: operators publish `route` and `facility` statements with their
 * own figures, which take precedence for their plants.
 */
import type { WarmPathway } from './materials.js';

export type RouteFamily =
  | 'mechanical'
  | 'chemical'
  | 'molecular'
  | 'composting'
  | 'anaerobic-digestion'
  | 'energy-recovery'
  | 'landfill';

/** Whether a route's output counts as recycled material (PPWR counts organic recycling; energy recovery is not recycling). */
export type RouteOutcome = 'recycling' | 'organic-recycling' | 'energy-recovery' | 'disposal';

/** `declared`: stated by a plant's operator in a signed `route` statement. */
export type Confidence = 'published' | 'derived' | 'assumption' | 'declared';

export interface RouteYield {
  /** A material id, or `family/*` for every material of a family. */
  material: string;
  /** Fraction of the input mass recovered as material, in [0, 1]. */
  yield: number;
  source: string;
  confidence: Confidence;
}

export interface RouteEntry {
  id: string;
  family: RouteFamily;
  name: string;
  outcome: RouteOutcome;
  yields: RouteYield[];
  /** Design features (see DESIGN_FEATURES) the route cannot process. */
  rejectsFeatures: string[];
  /**
   * Whether the route recovers several different materials from one inseparable
   * part (pyrolysis of mixed polyolefins, molecular disassembly of laminates,
   * composting). A route that does not recovers only the part's main material and
   * needs every other one to be a contaminant it tolerates.
   */
  acceptsMixtures: boolean;
  /** Materials the route carries through as contaminants, up to this share of a part's mass, recovering none of them. */
  tolerates: { material: string; maxShare: number }[];
  /** Which WARM pathway's emission factors apply, if any. */
  warmPathway: WarmPathway | null;
  /** Typical plant figures (assumptions unless sourced); null when not meaningful. */
  capacityTonnesPerYear: number | null;
  costEurPerTonne: number | null;
  energyKwhPerTonne: number | null;
  /** Process emissions of the plant per tonne of input, when its operator declares them (the catalog's come from WARM). */
  processKgCo2ePerTonne?: number;
  /** The facility the route runs at, for an operator's route. */
  facility?: string;
}

/** Design features a passport may declare on a component, and what they mean. */
export const DESIGN_FEATURES: Readonly<Record<string, string>> = {
  'coating:metallised': 'a vacuum-metallised layer: cannot be separated from the polymer in mechanical recycling',
  'coating:PVDC': 'a PVDC barrier coating: degrades and contaminates PET and polyolefin recyclate',
  'pigment:carbon-black': 'carbon-black pigment: invisible to near-infrared sorters, so the part is not sorted out',
  'ink:non-washable': 'printing ink that does not wash off: discolours the recyclate',
  'adhesive:non-water-soluble': 'an adhesive that does not dissolve in the hot wash: labels and residues stay on',
  'additive:oxo-degradable': 'oxo-degradable additives: banned in the EU, they weaken the recyclate',
  'label:PVC-sleeve': 'a PVC shrink sleeve: contaminates PET recycling and hides the bottle from sorters',
  'hazard:lithium': 'contains lithium cells: a fire hazard that shredders and composters must not receive',
};

const PRE_2017 =
  "Plastics Recyclers Europe, reported in 'PET recyclers feeling pinch of poor quality input', sustainableplastics.com, 2017-07-18 (bale-to-output yield 73% in 2011, 68% in 2017)";
const ERVASTI_2016 =
  'derived from Ervasti I. (2016), Silva Fennica 50(4) 1611, doi:10.14214/sf.1611: 167 Mt of virgin pulp replaced by 222 Mt of recovered paper (0.75 t/t)';
const AHMAD_2015 =
  'Ahmad I. et al. (2015), Int. J. Green Energy 12, doi:10.1080/15435075.2014.880146: lab-scale pyrolysis liquid fraction';
const ASSUMED = 'matterlog default: no figure in the reference set; publish a route statement with your plant figure';
const ORGANIC =
  'matterlog default: certified compostable mass is counted as organically recycled (PPWR Art. 3 counts organic recycling as recycling)';

const y = (material: string, value: number, source: string, confidence: Confidence): RouteYield => ({
  material,
  yield: value,
  source,
  confidence,
});

export const ROUTES: readonly RouteEntry[] = [
  {
    id: 'mechanical',
    family: 'mechanical',
    name: 'mechanical recycling (sort, shred, wash, remelt or repulp)',
    outcome: 'recycling',
    yields: [
      y('polymer/PET', 0.68, PRE_2017, 'published'),
      y('polymer/HDPE', 0.75, ASSUMED, 'assumption'),
      y('polymer/PP', 0.7, ASSUMED, 'assumption'),
      y('polymer/LDPE', 0.6, ASSUMED, 'assumption'),
      y('polymer/LLDPE', 0.6, ASSUMED, 'assumption'),
      y('fibre/*', 0.75, ERVASTI_2016, 'derived'),
      y('metal/*', 0.9, ASSUMED, 'assumption'),
      y('glass/*', 0.9, ASSUMED, 'assumption'),
    ],
    rejectsFeatures: [
      'coating:metallised',
      'coating:PVDC',
      'pigment:carbon-black',
      'ink:non-washable',
      'adhesive:non-water-soluble',
      'additive:oxo-degradable',
      'label:PVC-sleeve',
      'hazard:lithium',
    ],
    acceptsMixtures: false,
    tolerates: [],
    warmPathway: 'recycled',
    capacityTonnesPerYear: 50_000,
    costEurPerTonne: 300,
    energyKwhPerTonne: 600,
  },
  {
    id: 'chemical-pyrolysis',
    family: 'chemical',
    name: 'chemical recycling by pyrolysis (polyolefins to oil)',
    outcome: 'recycling',
    yields: [
      y('polymer/HDPE', 0.8088, AHMAD_2015, 'published'),
      y('polymer/PP', 0.6982, AHMAD_2015, 'published'),
      y('polymer/LDPE', 0.75, ASSUMED, 'assumption'),
      y('polymer/LLDPE', 0.75, ASSUMED, 'assumption'),
      y('polymer/PS', 0.7, ASSUMED, 'assumption'),
      y('polymer/mixed', 0.6, ASSUMED, 'assumption'),
    ],
    rejectsFeatures: ['coating:PVDC', 'hazard:lithium'],
    acceptsMixtures: true,
    tolerates: [
      { material: 'fibre/*', maxShare: 0.05 },
      { material: 'polymer/PET', maxShare: 0.05 },
    ],
    warmPathway: null,
    capacityTonnesPerYear: 20_000,
    costEurPerTonne: 600,
    energyKwhPerTonne: 1_200,
  },
  {
    id: 'chemical-depolymerisation',
    family: 'chemical',
    name: 'chemical recycling by depolymerisation (PET to monomers)',
    outcome: 'recycling',
    yields: [y('polymer/PET', 0.85, ASSUMED, 'assumption')],
    rejectsFeatures: ['hazard:lithium'],
    acceptsMixtures: false,
    tolerates: [{ material: 'polymer/*', maxShare: 0.1 }],
    warmPathway: null,
    capacityTonnesPerYear: 25_000,
    costEurPerTonne: 700,
    energyKwhPerTonne: 1_000,
  },
  {
    id: 'molecular-disassembly',
    family: 'molecular',
    name: 'molecular disassembly (selective dissolution and separation of laminates and composites)',
    outcome: 'recycling',
    yields: [
      y('composite/multilayer-film', 0.8, ASSUMED, 'assumption'),
      y('composite/liquid-board', 0.8, ASSUMED, 'assumption'),
      y('polymer/*', 0.85, ASSUMED, 'assumption'),
      y('metal/aluminium', 0.85, ASSUMED, 'assumption'),
    ],
    rejectsFeatures: ['hazard:lithium'],
    acceptsMixtures: true,
    tolerates: [],
    warmPathway: null,
    capacityTonnesPerYear: 5_000,
    costEurPerTonne: 1_500,
    energyKwhPerTonne: 2_000,
  },
  {
    id: 'composting',
    family: 'composting',
    name: 'industrial composting',
    outcome: 'organic-recycling',
    yields: [
      y('polymer/PLA', 1, ORGANIC, 'assumption'),
      y('organic/*', 1, ORGANIC, 'assumption'),
      y('fibre/paper', 1, ORGANIC, 'assumption'),
    ],
    rejectsFeatures: ['hazard:lithium', 'ink:non-washable', 'coating:metallised', 'coating:PVDC'],
    acceptsMixtures: true,
    tolerates: [],
    warmPathway: 'composted',
    capacityTonnesPerYear: 30_000,
    costEurPerTonne: 60,
    energyKwhPerTonne: 30,
  },
  {
    id: 'anaerobic-digestion',
    family: 'anaerobic-digestion',
    name: 'anaerobic digestion',
    outcome: 'organic-recycling',
    yields: [y('organic/food', 1, ORGANIC, 'assumption')],
    rejectsFeatures: ['hazard:lithium'],
    acceptsMixtures: true,
    tolerates: [],
    warmPathway: null,
    capacityTonnesPerYear: 40_000,
    costEurPerTonne: 70,
    energyKwhPerTonne: 20,
  },
  {
    id: 'energy-recovery',
    family: 'energy-recovery',
    name: 'energy recovery (incineration with energy recovery)',
    outcome: 'energy-recovery',
    yields: [],
    rejectsFeatures: ['hazard:lithium'],
    acceptsMixtures: true,
    tolerates: [],
    warmPathway: 'combusted',
    capacityTonnesPerYear: 300_000,
    costEurPerTonne: 110,
    energyKwhPerTonne: null,
  },
  {
    id: 'landfill',
    family: 'landfill',
    name: 'landfill',
    outcome: 'disposal',
    yields: [],
    rejectsFeatures: [],
    acceptsMixtures: true,
    tolerates: [],
    warmPathway: 'landfilled',
    capacityTonnesPerYear: null,
    costEurPerTonne: 90,
    energyKwhPerTonne: null,
  },
];

/** Whether `pattern` (an id or `family/*`) covers material `id`. */
export function covers(pattern: string, id: string): boolean {
  return pattern === id || (pattern.endsWith('/*') && id.startsWith(pattern.slice(0, -1)));
}

/** The route's yield for a material (the most specific entry wins), or null if it does not accept it. */
export function routeYield(route: RouteEntry, materialId: string): RouteYield | null {
  return (
    route.yields.find((e) => e.material === materialId) ??
    route.yields.find((e) => covers(e.material, materialId)) ??
    null
  );
}
