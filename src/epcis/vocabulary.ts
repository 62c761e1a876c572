/**
 * Business vocabulary: the CBV 2.0 words EPCIS 2.0 JSON uses in bare form, and
 * matterlog's own words for the recycling steps CBV 2.0 does not have.
 *
 * EPCIS JSON writes standard values as bare words ("receiving"); XML and older
 * data use `urn:epcglobal:cbv:bizstep:receiving`; linked data uses
 * `https://ref.gs1.org/cbv/BizStep-receiving`. All three mean the same step, so
 * the read model stores the bare word and queries match whichever form was sent.
 * The word lists below are the schema's enums (a unit test keeps them equal).
 */

/** Where matterlog's own vocabulary lives; each term is a dereferenceable absolute URI. */
export const MATTERLOG_VOC = 'https://w3id.org/matterlog/voc/';

export const BIZSTEP_SORTING = `${MATTERLOG_VOC}BizStep-sorting`;
export const BIZSTEP_MECHANICAL_RECYCLING = `${MATTERLOG_VOC}BizStep-mechanical_recycling`;
export const BIZSTEP_CHEMICAL_RECYCLING = `${MATTERLOG_VOC}BizStep-chemical_recycling`;
export const BIZSTEP_MOLECULAR_DISASSEMBLY = `${MATTERLOG_VOC}BizStep-molecular_disassembly`;
export const BIZSTEP_COMPOSTING = `${MATTERLOG_VOC}BizStep-composting`;
export const BIZSTEP_ANAEROBIC_DIGESTION = `${MATTERLOG_VOC}BizStep-anaerobic_digestion`;
export const BIZSTEP_ENERGY_RECOVERY = `${MATTERLOG_VOC}BizStep-energy_recovery`;
export const BIZSTEP_LANDFILLING = `${MATTERLOG_VOC}BizStep-landfilling`;

/** CBV 2.0 `destroyed` says an object is gone, not that its material lives on: these say what became of it. */
export const DISP_RECYCLED = `${MATTERLOG_VOC}Disp-recycled`;
export const DISP_CONTAMINATED = `${MATTERLOG_VOC}Disp-contaminated`;
export const DISP_RESIDUE = `${MATTERLOG_VOC}Disp-residue`;
/** On a shipment: the shipper declares the lot is sent to be recycled (the audit checks where it went). */
export const DISP_FOR_RECYCLING = `${MATTERLOG_VOC}Disp-for_recycling`;

export interface VocabularyTerm {
  uri: string;
  kind: 'bizStep' | 'disposition';
  /** One line, for `matterlog vocabulary` and the API documentation. */
  meaning: string;
}

const step = (uri: string, meaning: string): VocabularyTerm => ({ uri, kind: 'bizStep', meaning });
const disp = (uri: string, meaning: string): VocabularyTerm => ({ uri, kind: 'disposition', meaning });

export const MATTERLOG_VOCABULARY: readonly VocabularyTerm[] = [
  step(
    BIZSTEP_SORTING,
    'separating mixed waste into material fractions (by hand, optically, magnetically, by density)',
  ),
  step(BIZSTEP_MECHANICAL_RECYCLING, 'shredding, washing and remelting or regranulating, chemistry unchanged'),
  step(BIZSTEP_CHEMICAL_RECYCLING, 'breaking a material down chemically (pyrolysis, solvolysis, depolymerisation)'),
  step(BIZSTEP_MOLECULAR_DISASSEMBLY, 'taking a material apart at the molecular level into reusable building blocks'),
  step(BIZSTEP_COMPOSTING, 'aerobic biological treatment of organic material into compost'),
  step(BIZSTEP_ANAEROBIC_DIGESTION, 'anaerobic biological treatment of organic material into biogas and digestate'),
  step(BIZSTEP_ENERGY_RECOVERY, 'incinerating material to recover its energy as heat or electricity'),
  step(BIZSTEP_LANDFILLING, 'depositing material in a landfill: final disposal, nothing recovered'),
  disp(DISP_RECYCLED, 'the material was recovered as a secondary raw material'),
  disp(DISP_CONTAMINATED, 'the lot is contaminated beyond what its next route accepts'),
  disp(DISP_RESIDUE, 'the lot is process residue (rejects, fines, ash) rather than recovered output'),
  disp(
    DISP_FOR_RECYCLING,
    'the lot is shipped to be recycled: the recipient must be a facility that recycles or sorts for recycling',
  ),
];

function words(list: string): readonly string[] {
  return Object.freeze(list.split(' '));
}

/** CBV 2.0 business steps (EPCIS 2.0 JSON schema, definitions/bizStep). */
export const CBV_BIZSTEPS: readonly string[] = words(
  'accepting arriving assembling collecting commissioning consigning creating_class_instance ' +
    'cycle_counting decommissioning departing destroying disassembling dispensing encoding ' +
    'entering_exiting holding inspecting installing killing loading other packing picking receiving ' +
    'removing repackaging repairing replacing reserving retail_selling shipping staging_outbound ' +
    'stock_taking stocking storing transporting unloading unpacking void_shipping sensor_reporting ' +
    'sampling',
);

/** CBV 2.0 dispositions (definitions/disposition). */
export const CBV_DISPOSITIONS: readonly string[] = words(
  'active container_closed damaged destroyed dispensed disposed encoded expired in_progress in_transit ' +
    'inactive no_pedigree_match non_sellable_other partially_dispensed recalled reserved retail_sold ' +
    'returned sellable_accessible sellable_not_accessible stolen unknown available completeness_verified ' +
    'completeness_inferred conformant container_open mismatch_instance mismatch_class mismatch_quantity ' +
    'needs_replacement non_conformant unavailable',
);

/** CBV 2.0 business transaction types (definitions/bizTransaction-type). */
export const CBV_BIZ_TRANSACTION_TYPES: readonly string[] = words(
  'bol cert desadv inv pedigree po poc prodorder recadv rma testprd testres upevt',
);

/** CBV 2.0 source/destination types (definitions/source-dest-type). */
export const CBV_SOURCE_DEST_TYPES: readonly string[] = words('owning_party possessing_party location');

/** CBV 2.0 error reasons (definitions/error-reason). */
export const CBV_ERROR_REASONS: readonly string[] = words('did_not_occur incorrect_data');

/** CBV 2.0 sensor components (definitions/component). */
export const CBV_COMPONENTS: readonly string[] = words(
  'x y z axial_distance azimuth height spherical_radius polar_angle elevation_angle easting northing ' +
    'latitude longitude altitude',
);

/** GS1 Web Vocabulary measurement types (definitions/measurementType). */
export const GS1_MEASUREMENT_TYPES: readonly string[] = words(
  'AbsoluteHumidity AbsorbedDose AbsorbedDoseRate Acceleration Radioactivity Altitude AmountOfSubstance ' +
    'AmountOfSubstancePerUnitVolume Angle AngularAcceleration AngularMomentum AngularVelocity Area ' +
    'Capacitance Conductance Conductivity Count Density Dimensionless DoseEquivalent DoseEquivalentRate ' +
    'DynamicViscosity ElectricCharge ElectricCurrent ElectricCurrentDensity ElectricFieldStrength Energy ' +
    'Exposure Force Frequency Illuminance Inductance Irradiance KinematicViscosity Length LinearMomentum ' +
    'Luminance LuminousFlux LuminousIntensity MagneticFlux MagneticFluxDensity MagneticVectorPotential ' +
    'Mass MassConcentration MassFlowRate MassPerAreaTime MemoryCapacity MolalityOfSolute MolarEnergy ' +
    'MolarMass MolarVolume Power Pressure RadiantFlux RadiantIntensity RelativeHumidity Resistance ' +
    'Resistivity SolidAngle SpecificVolume Speed SurfaceDensity SurfaceTension Temperature Time Torque ' +
    'Voltage Volume VolumeFlowRate VolumeFraction VolumetricFlux Wavenumber',
);

/** GS1 Web Vocabulary sensor alert types (definitions/sensorAlertType). */
export const GS1_SENSOR_ALERT_TYPES: readonly string[] = words('ALARM_CONDITION ERROR_CONDITION');

const BIZSTEP_FORMS = [/^urn:epcglobal:cbv:bizstep:(.+)$/, /^https?:\/\/ref\.gs1\.org\/cbv\/BizStep-(.+)$/];
const DISPOSITION_FORMS = [/^urn:epcglobal:cbv:disp:(.+)$/, /^https?:\/\/ref\.gs1\.org\/cbv\/Disp-(.+)$/];

function normalise(value: string, forms: RegExp[]): string {
  for (const re of forms) {
    const m = re.exec(value);
    if (m?.[1] !== undefined) return m[1];
  }
  return value;
}

/**
 * The bare CBV word for `urn:epcglobal:cbv:bizstep:x` and `https://ref.gs1.org/cbv/BizStep-x`;
 * any other value (a bare word, another vocabulary's URI) unchanged.
 */
export function normaliseBizStep(value: string): string {
  return normalise(value, BIZSTEP_FORMS);
}

/** As `normaliseBizStep`, for dispositions (`urn:epcglobal:cbv:disp:x`, `https://ref.gs1.org/cbv/Disp-x`). */
export function normaliseDisposition(value: string): string {
  return normalise(value, DISPOSITION_FORMS);
}
