/**
 * The 29 risk-event categories as incidents know them (issue 6): a label, the family used to decide
 * which reports may be one incident (merge proposals), the department responsible (the proposal's
 * 责任部门), which kinds of unit answer it on the spot, and the category an alarm's event type maps to.
 * Pure data, shared by the hub and the screens.
 */
import { RISK_CATEGORIES, type EventType } from './ingest';
import type { UnitKind } from './world';

export type RiskCategory = (typeof RISK_CATEGORIES)[number];
export { RISK_CATEGORIES };

/** Families: reports of one family about one place and time may be the same thing. */
export const CATEGORY_FAMILIES = ['security', 'dispute', 'safety', 'city', 'care'] as const;
export type CategoryFamily = (typeof CATEGORY_FAMILIES)[number];

export interface CategoryInfo {
  zh: string;
  en: string;
  family: CategoryFamily;
  /** The department responsible (those with crews in the field are DEPARTMENTS, below). */
  department: string;
  /** Kinds of unit proposed, nearest first among them. */
  unitKinds: readonly UnitKind[];
}

const SEC: readonly UnitKind[] = ['police', 'patrol_car'];
const MED: readonly UnitKind[] = ['grid_worker', 'police'];
const CITY: readonly UnitKind[] = ['department', 'grid_worker'];

export const CATEGORIES: Readonly<Record<RiskCategory, CategoryInfo>> = {
  public_order: { zh: '治安警情', en: 'Public order', family: 'security', department: '公安', unitKinds: SEC },
  criminal_case: { zh: '刑事案件', en: 'Criminal case', family: 'security', department: '公安', unitKinds: SEC },
  theft: { zh: '盗窃侵财', en: 'Theft', family: 'security', department: '公安', unitKinds: SEC },
  fraud: { zh: '电信网络诈骗', en: 'Telecom fraud', family: 'security', department: '公安', unitKinds: ['police'] },
  dispute_neighbour: { zh: '邻里纠纷', en: 'Neighbour dispute', family: 'dispute', department: '司法', unitKinds: MED },
  dispute_family: { zh: '婚姻家庭纠纷', en: 'Family dispute', family: 'dispute', department: '妇联', unitKinds: MED },
  dispute_property: {
    zh: '物业纠纷',
    en: 'Property-management dispute',
    family: 'dispute',
    department: '住建',
    unitKinds: MED,
  },
  dispute_labour: {
    zh: '劳资纠纷（欠薪）',
    en: 'Labour dispute (unpaid wages)',
    family: 'dispute',
    department: '人社',
    unitKinds: MED,
  },
  dispute_land: { zh: '土地山林纠纷', en: 'Land dispute', family: 'dispute', department: '自然资源', unitKinds: MED },
  dispute_traffic: {
    zh: '交通事故纠纷',
    en: 'Traffic-accident dispute',
    family: 'dispute',
    department: '交通运输',
    unitKinds: ['patrol_car', 'police'],
  },
  dispute_consumer: {
    zh: '消费纠纷',
    en: 'Consumer dispute',
    family: 'dispute',
    department: '市场监管',
    unitKinds: CITY,
  },
  petition: { zh: '信访（越级访）', en: 'Petition', family: 'dispute', department: '信访', unitKinds: MED },
  fire_hazard: {
    zh: '消防隐患',
    en: 'Fire hazard',
    family: 'safety',
    department: '应急管理',
    unitKinds: ['fire', 'grid_worker'],
  },
  ebike_violation: {
    zh: '电动车上楼、飞线充电',
    en: 'E-bike indoors / unsafe charging',
    family: 'safety',
    department: '应急管理',
    unitKinds: ['grid_worker', 'fire'],
  },
  high_throw: {
    zh: '高空抛物',
    en: 'Object thrown from height',
    family: 'safety',
    department: '公安',
    unitKinds: ['police', 'grid_worker'],
  },
  gas_hazard: {
    zh: '燃气安全隐患',
    en: 'Gas hazard',
    family: 'safety',
    department: '燃气',
    unitKinds: ['department', 'fire'],
  },
  building_hazard: {
    zh: '房屋建筑安全隐患',
    en: 'Building hazard',
    family: 'safety',
    department: '住建',
    unitKinds: CITY,
  },
  road_facility: {
    zh: '道路设施损坏',
    en: 'Damaged road facility',
    family: 'city',
    department: '城管',
    unitKinds: CITY,
  },
  illegal_parking: {
    zh: '违停占道',
    en: 'Illegal parking',
    family: 'city',
    department: '交通运输',
    unitKinds: ['patrol_car', 'grid_worker'],
  },
  street_vending: { zh: '占道经营', en: 'Street vending', family: 'city', department: '城管', unitKinds: CITY },
  noise: { zh: '噪音扰民', en: 'Noise', family: 'city', department: '生态环境', unitKinds: ['grid_worker', 'police'] },
  sanitation: { zh: '环境卫生', en: 'Sanitation', family: 'city', department: '城管', unitKinds: CITY },
  illegal_building: { zh: '违章搭建', en: 'Illegal building', family: 'city', department: '城管', unitKinds: CITY },
  railway_safety: {
    zh: '涉铁安全（行人、牲畜上道）',
    en: 'Railway safety',
    family: 'security',
    department: '公安',
    unitKinds: SEC,
  },
  school_safety: { zh: '校园安全', en: 'School safety', family: 'security', department: '公安', unitKinds: SEC },
  hospital_safety: {
    zh: '医院安全（涉医）',
    en: 'Hospital safety',
    family: 'security',
    department: '公安',
    unitKinds: ['police', 'patrol_car', 'medical'],
  },
  key_person: { zh: '重点人员动态', en: 'Key person', family: 'security', department: '公安', unitKinds: SEC },
  vulnerable_care: {
    zh: '特殊人群关怀（独居老人、残障、五保）',
    en: 'Care for vulnerable people',
    family: 'care',
    department: '民政',
    unitKinds: ['grid_worker', 'medical'],
  },
  crowd_gathering: { zh: '人员聚集', en: 'Crowd gathering', family: 'security', department: '公安', unitKinds: SEC },
};

/**
 * The departments that have crews in the field (unit kind `department`): a crew's callsign names
 * its department (东湖城管03). The demo city draws callsigns from this list; seeding reads it back.
 */
export const DEPARTMENTS = [
  '城管',
  '市场监管',
  '住建',
  '生态环境',
  '水务',
  '应急管理',
  '交通运输',
  '卫健',
  '民政',
  '供电',
  '燃气',
];

/** A department crew's department, read from its callsign (东湖城管03 → 城管). */
export function departmentOf(callsign: string): string | null {
  return DEPARTMENTS.find((d) => callsign.includes(d)) ?? null;
}

/** Dispute categories (矛盾纠纷): their incidents are disputes, with parties, mediation and a risk score. */
export const DISPUTE_CATEGORIES: ReadonlySet<RiskCategory> = new Set(
  RISK_CATEGORIES.filter((c) => CATEGORIES[c].family === 'dispute'),
);

/**
 * Whether a citizen may report the category (the citizen's form offers it, Open311 has it as a
 * service): all but 重点人员动态 (key_person), a police watch list.
 */
export function citizenReportable(c: RiskCategory): boolean {
  return c !== 'key_person';
}

/** The categories a citizen may report, in the contract's order. */
export const CITIZEN_CATEGORIES: readonly RiskCategory[] = RISK_CATEGORIES.filter(citizenReportable);

/**
 * The category of an incident made from an event (an alarm's): a category type is itself; device
 * types map by what they detect. `facilityKind` tells a one-key alarm in a school from one in a hospital.
 */
/** What each device (and hub) event type is about; category types are themselves. */
const TYPE_CATEGORY: Readonly<Record<Exclude<EventType, RiskCategory>, RiskCategory>> = {
  fence_intrusion: 'railway_safety',
  stranger: 'key_person',
  face_access: 'key_person',
  plate_access: 'key_person',
  ebike_in_lift: 'ebike_violation',
  crowd: 'crowd_gathering',
  smoke: 'fire_hazard',
  one_key_alarm: 'hospital_safety',
  motion: 'public_order',
  video_loss: 'public_order',
  camera_tamper: 'public_order',
  device_alarm: 'public_order',
  resident_absence: 'vulnerable_care',
  sla_breach: 'public_order',
  coverage_gap: 'public_order',
};

/**
 * The category of an incident made of an event: by its type; a one-key alarm at a school is the
 * school's safety; a camera's line crossing or area entry (issue 18: a compound's perimeter, not a
 * railway fence's vibration sensor) is public order.
 */
export function categoryOfEvent(type: EventType, facilityKind?: string | null, source?: string): RiskCategory {
  if ((RISK_CATEGORIES as readonly string[]).includes(type)) return type as RiskCategory;
  if (type === 'one_key_alarm' && facilityKind === 'school') return 'school_safety';
  if (type === 'fence_intrusion' && source === 'camera') return 'public_order';
  return TYPE_CATEGORY[type as Exclude<EventType, RiskCategory>] ?? 'public_order';
}

/** Whether two categories may describe one thing (same family; security and safety overlap at the scene). */
export function compatibleCategories(a: RiskCategory, b: RiskCategory): boolean {
  const fa = CATEGORIES[a].family;
  const fb = CATEGORIES[b].family;
  return fa === fb || (fa === 'security' && fb === 'safety') || (fa === 'safety' && fb === 'security');
}
