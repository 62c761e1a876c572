import { Command } from 'commander';
import { MATERIALS, WARM_SOURCE, warmKgPerKg } from '../assess/materials.js';
import { DESIGN_FEATURES, ROUTES } from '../assess/routes.js';
import { MatterlogError } from '../ledger/errors.js';
import { runAction } from './common.js';
import { printJson } from './output.js';

const SECTIONS = ['materials', 'routes', 'features'] as const;
type Section = (typeof SECTIONS)[number];

const fmt = (v: number | null) => (v === null ? '—' : v.toFixed(2).padStart(6));

function explainMaterial(id: string): string {
  const m = MATERIALS.find((x) => x.id === id);
  if (!m) return '';
  const lines = [`${m.id}: ${m.name} (${m.family})`];
  if (!m.warm) lines.push('  no EPA WARM v16 factors: WARM does not model this material');
  else {
    lines.push(`  end-of-life factors, from ${WARM_SOURCE} ("${m.warm.material}"):`);
    for (const p of ['recycled', 'landfilled', 'combusted', 'composted'] as const) {
      const kg = warmKgPerKg(m.id, p);
      lines.push(
        kg === null
          ? `    ${p.padEnd(11)}      — (WARM has no factor for this pathway)`
          : `    ${p.padEnd(11)} ${fmt(m.warm[p])} MTCO2E/short ton = ${kg.toFixed(3)} kg CO2e/kg`,
      );
    }
  }
  const routes = ROUTES.filter((r) =>
    r.yields.some(
      (y) => y.material === m.id || (y.material.endsWith('/*') && m.id.startsWith(y.material.slice(0, -1))),
    ),
  );
  lines.push(`  recovered by: ${routes.map((r) => r.id).join(', ') || 'no route in the catalog'}`);
  return lines.join('\n');
}

function explainRoute(id: string): string {
  const r = ROUTES.find((x) => x.id === id);
  if (!r) return '';
  const lines = [
    `${r.id}: ${r.name}`,
    `  family ${r.family}; counts as ${r.outcome}; ${r.acceptsMixtures ? 'separates mixtures' : 'needs mono-material parts'}`,
    `  capacity ${r.capacityTonnesPerYear ?? '—'} t/year, cost ${r.costEurPerTonne ?? '—'} EUR/t, energy ${r.energyKwhPerTonne ?? '—'} kWh/t (defaults: publish route statements for your plants)`,
    `  emissions: ${r.warmPathway ? `EPA WARM "${r.warmPathway}" factors of each material` : 'no EPA WARM factor'}`,
    '  yields:',
    ...r.yields.map(
      (y) => `    ${y.material.padEnd(28)} ${(100 * y.yield).toFixed(1).padStart(5)}%  ${y.confidence}: ${y.source}`,
    ),
  ];
  if (r.rejectsFeatures.length > 0) lines.push(`  does not tolerate: ${r.rejectsFeatures.join(', ')}`);
  if (r.tolerates.length > 0) {
    lines.push(
      `  carries as contaminants: ${r.tolerates.map((t) => `${t.material} ≤ ${100 * t.maxShare}%`).join(', ')}`,
    );
  }
  return lines.join('\n');
}

export function catalogCommand(setExit: (code: number) => void): Command {
  return new Command('catalog')
    .summary('list and explain the materials, routes and design features assessments use')
    .description(
      'Lists the materials catalog (material ids, with their US EPA WARM v16 end-of-life factors), the routes catalog (what each recycling, recovery or disposal route accepts, at what yield and from which source, what it does not tolerate) and the design features passports may declare. Give an id to explain one material or route in full.',
    )
    .argument('[section]', `one of ${SECTIONS.join(', ')} (default: all)`)
    .argument('[id]', 'a material or route id to explain')
    .option('--json', 'print the catalog as JSON')
    .action(async (section: string | undefined, id: string | undefined, opts: { json?: boolean }) => {
      setExit(
        await runAction(async () => {
          if (section !== undefined && !SECTIONS.includes(section as Section)) {
            throw new MatterlogError('invalid_input', `no catalog section "${section}"; use ${SECTIONS.join(', ')}`);
          }
          const want = (s: Section) => section === undefined || section === s;
          if (opts.json) {
            printJson({
              ...(want('materials') ? { materials: MATERIALS, source: WARM_SOURCE } : {}),
              ...(want('routes') ? { routes: ROUTES } : {}),
              ...(want('features') ? { features: DESIGN_FEATURES } : {}),
            });
            return undefined;
          }
          if (id !== undefined) {
            const text = section === 'routes' ? explainRoute(id) : section === 'materials' ? explainMaterial(id) : '';
            if (!text)
              throw new MatterlogError(
                'not_found',
                `no ${section ?? 'catalog'} entry "${id}"; run "matterlog catalog ${section ?? ''}" for the list`,
              );
            process.stdout.write(`${text}\n`);
            return undefined;
          }
          const out: string[] = [];
          if (want('materials')) {
            out.push(`MATERIALS (end-of-life factors in MTCO2E per short ton, ${WARM_SOURCE})`);
            out.push(
              `  ${'id'.padEnd(30)} ${'recycled'.padStart(8)} ${'landfill'.padStart(8)} ${'combust'.padStart(8)} ${'compost'.padStart(8)}  name`,
            );
            for (const m of MATERIALS) {
              const f = m.warm;
              out.push(
                `  ${m.id.padEnd(30)} ${fmt(f?.recycled ?? null).padStart(8)} ${fmt(f?.landfilled ?? null).padStart(8)} ${fmt(f?.combusted ?? null).padStart(8)} ${fmt(f?.composted ?? null).padStart(8)}  ${m.name}`,
              );
            }
          }
          if (want('routes')) {
            out.push('', 'ROUTES ("matterlog catalog routes <id>" shows yields and their sources)');
            for (const r of ROUTES) out.push(`  ${r.id.padEnd(28)} ${r.outcome.padEnd(18)} ${r.name}`);
          }
          if (want('features')) {
            out.push('', 'DESIGN FEATURES (declared on passport components)');
            for (const [f, what] of Object.entries(DESIGN_FEATURES)) out.push(`  ${f.padEnd(28)} ${what}`);
          }
          process.stdout.write(`${out.join('\n').replace(/^\n/, '')}\n`);
          return undefined;
        }),
      );
    });
}
