/**
 * The two demo scales. `full` matches the figures of the source documents (Nanchang: 9,323 grids,
 * 60,000+ city-built and 70,000+ social cameras, 1,383 + 458 video circles, 2,059 smart
 * communities); `small` is a compact city of the same make-up for tests and quick starts.
 */
import type { UnitKind } from '@shared/world';
import type { LatticeParams } from './lattice';

export interface DistrictSpec {
  code: string;
  name: string;
  /** Where the district grows from (real relative position), lon/lat. */
  seed: readonly [number, number];
  /** Reach of the district in the weighted Voronoi growth (larger = bigger area). */
  weight: number;
  /** Which bank of the Gan river (赣江) it stays on; 'any' may cross. */
  bank: 'west' | 'east' | 'any';
}

export interface RailwaySpec {
  id: string;
  name: string;
  /** A point the line passes through, lon/lat, and its general bearing (degrees from north). */
  through: readonly [number, number];
  bearingDeg: number;
  /** Length before trimming to the city, metres (the line is cut where it leaves the city). */
  lengthM: number;
  /** Gentle curves: lateral amplitude and wavelength, metres. */
  curveAmpM: number;
  curveWavelengthM: number;
}

/** Registered residents per smart community (see residents.ts). */
export interface ResidentSpec {
  /** Residents per household, then clamped to [min, max] per community. */
  perHousehold: number;
  min: number;
  max: number;
  /** Share of all residents who live alone (独居老人), drawn city-wide. */
  livingAloneShare: number;
}

export interface ScaleConfig {
  lattice: LatticeParams;
  districts: DistrictSpec[];
  /** Total number of streets / towns wanted (shared out in proportion to district cell counts). */
  streets: number;
  /** Average number of grids per community. */
  gridsPerCommunity: number;
  /** Beyond this distance from the centre, streets become towns (镇) and communities villages (村). */
  townRadiusM: number;
  /** Length scale of the downtown density bump used for cameras, facilities and zones, metres. */
  densityScaleM: number;
  cameras: {
    cityHd: number;
    ai: number;
    social: number;
    perCompound: readonly [number, number];
    railwaySpacingM: number;
  };
  zones: { keyPerson: number; landmark: number };
  smartCommunities: number;
  residents: ResidentSpec;
  facilities: { hospital: number; school: number; police_kiosk: number };
  units: Record<UnitKind, number>;
  railways: RailwaySpec[];
}

/** City code and name (GB/T 2260). */
export const CITY = { code: '360100', name: '南昌市' } as const;

/**
 * The Gan river (赣江) as a rough polyline from south-west to north-east, lon/lat, latitudes
 * increasing. Only used to keep west-bank districts (红谷滩, 新建) apart from the old town.
 */
export const GAN_RIVER: readonly (readonly [number, number])[] = [
  [115.8, 28.45],
  [115.835, 28.55],
  [115.855, 28.62],
  [115.866, 28.655],
  [115.874, 28.685],
  [115.89, 28.72],
  [115.925, 28.77],
  [115.98, 28.83],
  [116.05, 28.9],
];

const FULL: ScaleConfig = {
  lattice: {
    center: [115.9, 28.68],
    semiAxesM: [30_000, 24_000],
    outlineWobble: 0.1,
    targetCells: 9_400,
    edgeToCentreSize: 5,
    jitter: 0.22,
  },
  // GB/T 2260 codes of today's Nanchang districts (红谷滩区 since 2019, 湾里 merged into 新建).
  districts: [
    { code: '360102', name: '东湖区', seed: [115.905, 28.69], weight: 0.55, bank: 'east' },
    { code: '360103', name: '西湖区', seed: [115.895, 28.657], weight: 0.55, bank: 'east' },
    { code: '360104', name: '青云谱区', seed: [115.925, 28.62], weight: 0.7, bank: 'east' },
    { code: '360111', name: '青山湖区', seed: [115.97, 28.69], weight: 1.0, bank: 'east' },
    { code: '360112', name: '新建区', seed: [115.77, 28.74], weight: 1.5, bank: 'west' },
    { code: '360113', name: '红谷滩区', seed: [115.845, 28.685], weight: 1.0, bank: 'west' },
    { code: '360121', name: '南昌县', seed: [115.95, 28.55], weight: 1.5, bank: 'any' },
  ],
  streets: 125,
  gridsPerCommunity: 4.7,
  townRadiusM: 13_000,
  densityScaleM: 8_000,
  // city-built = cityHd + ai = 60,000; social 68,000; community ≈ 2,059 × 2.5; railway ≈ 250.
  cameras: { cityHd: 51_500, ai: 8_500, social: 68_000, perCompound: [1, 4], railwaySpacingM: 400 },
  zones: { keyPerson: 1_383, landmark: 458 },
  smartCommunities: 2_059,
  // About 46k residents, 3k of them living alone.
  residents: { perHousehold: 0.05, min: 10, max: 60, livingAloneShare: 0.065 },
  facilities: { hospital: 60, school: 400, police_kiosk: 300 },
  units: { grid_worker: 240, police: 150, patrol_car: 110, fire: 28, medical: 35, department: 42 },
  railways: [
    {
      id: 'rail-jingjiu',
      name: '京九铁路南昌段',
      through: [115.92, 28.665],
      bearingDeg: 12,
      lengthM: 90_000,
      curveAmpM: 1_200,
      curveWavelengthM: 22_000,
    },
    {
      id: 'rail-hukun',
      name: '沪昆铁路南昌段',
      through: [115.86, 28.64],
      bearingDeg: 72,
      lengthM: 58_000,
      curveAmpM: 1_500,
      curveWavelengthM: 26_000,
    },
  ],
};

const SMALL: ScaleConfig = {
  lattice: {
    center: [115.878, 28.676],
    semiAxesM: [2_500, 2_000],
    outlineWobble: 0.08,
    targetCells: 200,
    edgeToCentreSize: 1.6,
    jitter: 0.22,
  },
  districts: [
    { code: '360102', name: '东湖区', seed: [115.895, 28.688], weight: 1, bank: 'east' },
    { code: '360103', name: '西湖区', seed: [115.893, 28.664], weight: 1, bank: 'east' },
    { code: '360113', name: '红谷滩区', seed: [115.858, 28.684], weight: 1, bank: 'west' },
  ],
  streets: 8,
  gridsPerCommunity: 5,
  townRadiusM: Infinity,
  densityScaleM: 1_500,
  cameras: { cityHd: 780, ai: 120, social: 1_020, perCompound: [1, 4], railwaySpacingM: 400 },
  zones: { keyPerson: 30, landmark: 10 },
  smartCommunities: 40,
  // About 440 residents, 29 of them living alone.
  residents: { perHousehold: 0.05, min: 10, max: 60, livingAloneShare: 0.065 },
  facilities: { hospital: 3, school: 8, police_kiosk: 6 },
  units: { grid_worker: 12, police: 6, patrol_car: 5, fire: 2, medical: 2, department: 3 },
  railways: [
    {
      id: 'rail-jingjiu',
      name: '京九铁路南昌段',
      through: [115.884, 28.672],
      bearingDeg: 20,
      lengthM: 12_000,
      curveAmpM: 200,
      curveWavelengthM: 5_000,
    },
  ],
};

export const SCALES: Record<'full' | 'small', ScaleConfig> = { full: FULL, small: SMALL };
