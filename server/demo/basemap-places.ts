/**
 * What the demo city's basemap is made of: real places at approximate positions (the Gan's width,
 * the Fu river, lakes, parks, bridges over the Gan) and, per scale, how dense the roads are, the
 * expressways and how many neighbourhood parks there are.
 */

/** Width of the Gan through the city, metres (it varies by ±20 % along its course). */
export const GAN_WIDTH_M = 650;

/** The Fu river (抚河) comes up through Nanchang county and flows into the Gan by the old town. */
export const FU_RIVER = {
  name: '抚河',
  widthM: 170,
  line: [
    [116.02, 28.44],
    [115.99, 28.5],
    [115.955, 28.56],
    [115.925, 28.605],
    [115.905, 28.64],
    [115.893, 28.668],
    [115.884, 28.69],
    // On the Gan's centre line (GAN_RIVER), where the Fu flows into it.
    [115.8822, 28.703],
  ] as const,
};

export interface LakeSpec {
  name: string;
  center: readonly [number, number];
  /** Semi-axes, metres, before the shore is shaped. */
  semiAxesM: readonly [number, number];
  rotationDeg: number;
  /** A park around the lake, if it has one. */
  park?: string;
}
export const LAKES: LakeSpec[] = [
  { name: '青山湖', center: [115.937, 28.69], semiAxesM: [1_000, 650], rotationDeg: 25, park: '青山湖公园' },
  { name: '艾溪湖', center: [115.978, 28.69], semiAxesM: [450, 1_500], rotationDeg: 8, park: '艾溪湖湿地公园' },
  { name: '象湖', center: [115.886, 28.622], semiAxesM: [850, 500], rotationDeg: -30, park: '象湖湿地公园' },
  { name: '瑶湖', center: [116.035, 28.683], semiAxesM: [1_700, 1_100], rotationDeg: 10, park: '瑶湖郊野森林公园' },
  { name: '前湖', center: [115.812, 28.668], semiAxesM: [650, 400], rotationDeg: -15 },
  { name: '东湖', center: [115.8985, 28.6845], semiAxesM: [330, 210], rotationDeg: 5 },
];

export interface ParkSpec {
  name: string;
  center: readonly [number, number];
  semiAxesM: readonly [number, number];
}
export const PARKS: ParkSpec[] = [
  { name: '人民公园', center: [115.913, 28.671], semiAxesM: [320, 240] },
  { name: '八一公园', center: [115.9055, 28.689], semiAxesM: [260, 180] },
  { name: '梅岭国家森林公园', center: [115.74, 28.78], semiAxesM: [3_600, 2_600] },
];
/** Parks along the Gan downtown: which bank (seen going downstream) and over which latitudes. */
export const RIVERSIDE_PARKS = [
  { name: '赣江市民公园', bank: 'left' as const, lat: [28.655, 28.705] as const },
  { name: '沿江公园', bank: 'right' as const, lat: [28.66, 28.69] as const },
];

/** Bridges over the Gan and about where they cross it (latitude); others are named after their road. */
export const BRIDGES: { name: string; lat: number }[] = [
  { name: '九龙湖大桥', lat: 28.57 },
  { name: '生米大桥', lat: 28.6 },
  { name: '复兴大桥', lat: 28.622 },
  { name: '朝阳大桥', lat: 28.645 },
  { name: '南昌大桥', lat: 28.668 },
  { name: '八一大桥', lat: 28.692 },
  { name: '英雄大桥', lat: 28.72 },
  { name: '昌北大桥', lat: 28.75 },
];

export interface ScaleSettings {
  /** Every how many lattice lines a secondary road runs, and a primary one. */
  roadEvery: { secondary: number; primary: number };
  /** Lattice lines that cross the Gan on a bridge: every n-th primary road. */
  bridgeEveryPrimary: number;
  ring: { name: string; radiusShare: number };
  radials: { name: string; bearingDeg: number }[];
  neighbourhoodParks: number;
}
export const SETTINGS: Record<'full' | 'small', ScaleSettings> = {
  full: {
    roadEvery: { secondary: 3, primary: 9 },
    bridgeEveryPrimary: 2,
    ring: { name: '南昌绕城高速', radiusShare: 0.5 },
    radials: [
      { name: '昌九高速', bearingDeg: 18 },
      { name: '沪昆高速', bearingDeg: 92 },
      { name: '福银高速', bearingDeg: 148 },
      { name: '昌樟高速', bearingDeg: 212 },
      { name: '沪昆高速', bearingDeg: 262 },
    ],
    neighbourhoodParks: 30,
  },
  small: {
    roadEvery: { secondary: 2, primary: 6 },
    bridgeEveryPrimary: 1,
    ring: { name: '内环快速路', radiusShare: 0.62 },
    radials: [],
    neighbourhoodParks: 4,
  },
};
