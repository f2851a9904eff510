/**
 * The names of the event types in both languages, once: the alarm queue's labels (the client's
 * `alarms.types.*` messages spread them in, client/src/i18n/alarms.*.ts) and CAP's `<event>` for the
 * types that are not incident categories (shared/cap.ts). A category's name here is its short label
 * in the queue; its full name as an incident category is in incident-categories.ts.
 *
 * The client's build compiles this file's strings as it does its i18n messages
 * (scripts/i18n-precompile.ts), so in the browser they are vue-i18n message ASTs: only the i18n
 * message files import this module there, and other client code reads the names through
 * `t('alarms.types.…')`. Hence the default export as a plain object literal (what the precompiler
 * reads).
 */
import type { EventType } from './ingest';

export type NameLanguage = 'zh' | 'en';
type Names = Readonly<Record<NameLanguage, string>>;

/** One language's column of a names table (the client's `alarms.types` messages). */
export function namesIn<K extends string>(
  table: Readonly<Record<K, Names>>,
  language: NameLanguage,
): Record<K, string> {
  return Object.fromEntries(Object.entries<Names>(table).map(([k, names]) => [k, names[language]])) as Record<
    K,
    string
  >;
}

export default {
  fence_intrusion: { zh: '周界入侵', en: 'Fence intrusion' },
  stranger: { zh: '陌生人', en: 'Stranger' },
  ebike_in_lift: { zh: '电瓶车进电梯', en: 'E-bike in lift' },
  crowd: { zh: '人员聚集', en: 'Crowd' },
  smoke: { zh: '烟雾', en: 'Smoke' },
  one_key_alarm: { zh: '一键报警', en: 'One-key alarm' },
  face_access: { zh: '人脸门禁', en: 'Face access' },
  plate_access: { zh: '车牌门禁', en: 'Plate access' },
  motion: { zh: '移动侦测', en: 'Motion' },
  video_loss: { zh: '视频丢失', en: 'Video loss' },
  camera_tamper: { zh: '视频遮挡', en: 'Camera covered' },
  device_alarm: { zh: '设备报警', en: 'Device alarm' },
  public_order: { zh: '治安', en: 'Public order' },
  criminal_case: { zh: '刑事案件', en: 'Criminal case' },
  theft: { zh: '盗窃', en: 'Theft' },
  fraud: { zh: '诈骗', en: 'Fraud' },
  dispute_neighbour: { zh: '邻里纠纷', en: 'Neighbour dispute' },
  dispute_family: { zh: '家庭纠纷', en: 'Family dispute' },
  dispute_property: { zh: '物业纠纷', en: 'Property dispute' },
  dispute_labour: { zh: '劳资纠纷', en: 'Labour dispute' },
  dispute_land: { zh: '土地纠纷', en: 'Land dispute' },
  dispute_traffic: { zh: '交通纠纷', en: 'Traffic dispute' },
  dispute_consumer: { zh: '消费纠纷', en: 'Consumer dispute' },
  petition: { zh: '信访', en: 'Petition' },
  fire_hazard: { zh: '消防隐患', en: 'Fire hazard' },
  ebike_violation: { zh: '电动车违规', en: 'E-bike violation' },
  high_throw: { zh: '高空抛物', en: 'Thrown from height' },
  gas_hazard: { zh: '燃气隐患', en: 'Gas hazard' },
  building_hazard: { zh: '房屋隐患', en: 'Building hazard' },
  road_facility: { zh: '道路设施', en: 'Road facility' },
  illegal_parking: { zh: '违章停车', en: 'Illegal parking' },
  street_vending: { zh: '占道经营', en: 'Street vending' },
  noise: { zh: '噪声扰民', en: 'Noise' },
  sanitation: { zh: '环境卫生', en: 'Sanitation' },
  illegal_building: { zh: '违章建筑', en: 'Illegal building' },
  railway_safety: { zh: '铁路安全', en: 'Railway safety' },
  school_safety: { zh: '校园安全', en: 'School safety' },
  hospital_safety: { zh: '医院安全', en: 'Hospital safety' },
  key_person: { zh: '重点人员', en: 'Key person' },
  vulnerable_care: { zh: '困难群体关爱', en: 'Vulnerable care' },
  crowd_gathering: { zh: '人群聚集', en: 'Crowd gathering' },
  resident_absence: { zh: '独居老人无出入', en: 'Living alone, no access' },
  sla_breach: { zh: '超时督办', en: 'SLA breach (supervision)' },
  coverage_gap: { zh: '力量覆盖盲区', en: 'Coverage gap' },
} satisfies Readonly<Record<EventType, Names>>;
