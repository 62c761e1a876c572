/**
 * The products of the demo: real-world packaging as passports (the issue's
 * worked PET bottle, a drinks can, a shipping box, a jam jar), and the design
 * variants the planted design violations use.
 */
import type { PassportBody } from '../../assess/passport.js';
import { gtin13 } from './region.js';

/** Real products (the worked PET bottle, a drinks can, a shipping box, a jam jar). */
export function passportsOf(prefix: number, kind: number): { passports: PassportBody[]; items: number[] } {
  const gtin = (item: number) => gtin13(prefix, item);
  const all: PassportBody[] = [
    {
      product: { gtin: gtin(1), name: 'still water 0.5 l PET bottle' },
      version: 'v1',
      declaredMassKg: 0.028,
      components: [
        { id: 'bottle', material: 'polymer/PET', massKg: 0.025, recycledContent: 0.3 },
        { id: 'cap', material: 'polymer/PP', massKg: 0.002 },
        { id: 'label', material: 'fibre/paper', massKg: 0.001 },
      ],
      joins: [
        { a: 'bottle', b: 'cap', method: 'shredding' },
        { a: 'bottle', b: 'label', method: 'shredding' },
      ],
    },
    {
      product: { gtin: gtin(1), name: 'drinks can 330 ml' },
      version: 'v1',
      declaredMassKg: 0.0133,
      components: [
        { id: 'body', material: 'metal/aluminium', massKg: 0.013, recycledContent: 0.5 },
        { id: 'lacquer', material: 'polymer/PP', massKg: 0.0003 },
      ],
      joins: [{ a: 'body', b: 'lacquer', method: 'inseparable' }],
    },
    {
      product: { gtin: gtin(1), name: 'corrugated shipping box' },
      version: 'v1',
      declaredMassKg: 0.3,
      components: [{ id: 'box', material: 'fibre/cardboard', massKg: 0.3, recycledContent: 0.7 }],
    },
    {
      product: { gtin: gtin(1), name: 'jam jar 370 ml' },
      version: 'v1',
      declaredMassKg: 0.21,
      components: [
        { id: 'jar', material: 'glass/clear', massKg: 0.2 },
        { id: 'lid', material: 'metal/steel', massKg: 0.01 },
      ],
      joins: [{ a: 'jar', b: 'lid', method: 'hand' }],
    },
  ];
  return { passports: [all[kind] as PassportBody], items: [1] };
}

/** Recycled mass each unit of a passport claims, for `material`. */
export function claimPerUnit(p: PassportBody, material: string): number {
  return p.components
    .filter((c) => c.material === material)
    .reduce((s, c) => s + c.massKg * (c.recycledContent ?? 0), 0);
}

export const bottle = (gtin: string, over: Partial<PassportBody>): PassportBody => ({
  product: { gtin, name: 'still water 0.5 l PET bottle' },
  version: 'v1',
  declaredMassKg: 0.028,
  components: [
    { id: 'bottle', material: 'polymer/PET', massKg: 0.025 },
    { id: 'cap', material: 'polymer/PP', massKg: 0.002 },
    { id: 'label', material: 'fibre/paper', massKg: 0.001 },
  ],
  joins: [
    { a: 'bottle', b: 'cap', method: 'shredding' },
    { a: 'bottle', b: 'label', method: 'shredding' },
  ],
  ...over,
});
/** A paper sleeve glued all over the bottle: no route separates it, so nearly nothing is recovered. */
export const gluedSleeve = [
  { a: 'bottle', b: 'cap', method: 'shredding' as const },
  { a: 'bottle', b: 'label', method: 'inseparable' as const },
];
