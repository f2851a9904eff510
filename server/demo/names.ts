/**
 * Chinese place and person names built from syllable lists. They read like real Nanchang names
 * (two-character stems plus the right suffix: 街道, 镇, 社区, 村, 路, 花园 ...) without claiming to
 * be any real place. Uniqueness is enforced by the caller's `used` set (within a parent, or
 * city-wide where a duplicate would confuse a dispatcher).
 */
import type { Rng } from './random';

const FIRST = [
  ...'青云洪滕象朝丰新沙梅翠金龙凤瑶松桃荷莲安宁康福兴昌华文德贤和永嘉顺庆怡锦红赣蛟岗滨湾上前高长广平泰昭豫章万寿罗彭墩桂杏柳荣盛隆鸿富贵明光珠玉银铜石湖江溪泉山',
];
const SECOND = [
  ...'湖山江洲桥塘岗坊井园苑湾里岭坪港口堤岸阳明安宁康乐福兴华源泉林溪河城门亭阁台庄店田埠圩冈洋坝家营渡',
];

function stem(rng: Rng): string {
  for (;;) {
    const a = rng.pick(FIRST);
    const b = rng.pick(SECOND);
    if (a !== b) return a + b;
  }
}

/** A fresh name `stem + suffix` not yet in `used` (and adds it). */
export function uniqueName(rng: Rng, used: Set<string>, suffix: string | (() => string)): string {
  for (let attempt = 0; ; attempt++) {
    const sfx = typeof suffix === 'string' ? suffix : suffix();
    // After many collisions fall back to three-character stems, which are far more numerous.
    const s = attempt < 200 ? stem(rng) : stem(rng) + rng.pick(SECOND);
    const name = s + sfx;
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
  }
}

const ROAD_SUFFIX = ['路', '路', '路', '大道', '街', '大街'];
const ROAD_DIR = ['', '', '', '', '北', '南', '东', '西', '中'];
export function roadName(rng: Rng, used: Set<string>): string {
  return uniqueName(rng, used, () => rng.pick(ROAD_DIR) + rng.pick(ROAD_SUFFIX));
}

const COMPOUND_SUFFIX = [
  '花园',
  '小区',
  '家园',
  '新村',
  '公寓',
  '雅苑',
  '名邸',
  '华府',
  '嘉园',
  '新城',
  '佳苑',
  '花苑',
];
export function compoundName(rng: Rng, used: Set<string>): string {
  return uniqueName(rng, used, () => rng.pick(COMPOUND_SUFFIX));
}

const LANDMARK_SUFFIX = [
  '广场',
  '公园',
  '商圈',
  '步行街',
  '客运站',
  '体育中心',
  '会展中心',
  '文化中心',
  '商业街',
  '湿地公园',
  '购物中心',
  '地铁站',
];
export function landmarkName(rng: Rng, used: Set<string>): string {
  return uniqueName(rng, used, () => rng.pick(LANDMARK_SUFFIX));
}

const HOSPITAL_SUFFIX = ['医院', '中医院', '妇幼保健院', '骨科医院', '眼科医院', '口腔医院', '人民医院'];
const SCHOOL_SUFFIX = [
  '小学',
  '小学',
  '小学',
  '中学',
  '中学',
  '实验学校',
  '幼儿园',
  '幼儿园',
  '外国语学校',
  '职业技术学校',
];
export function hospitalName(rng: Rng, used: Set<string>): string {
  return uniqueName(rng, used, () => rng.pick(HOSPITAL_SUFFIX));
}
export function schoolName(rng: Rng, used: Set<string>): string {
  return uniqueName(rng, used, () => rng.pick(SCHOOL_SUFFIX));
}

const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤',
];
const GIVEN = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文辉建国志红梅鹏飞琳婷雪斌宇浩凯俊峰晨欣怡佳慧颖帆鑫坤',
];
/** A person's name, e.g. 熊建华. */
export function personName(rng: Rng): string {
  const given = rng.chance(0.7) ? rng.pick(GIVEN) + rng.pick(GIVEN) : rng.pick(GIVEN);
  return rng.pick(SURNAMES) + given;
}

/** Chinese numerals for "第N网格"-style labels are kept Arabic, as grid registers write them. */
export function ordinalGrid(n: number): string {
  return `第${n}网格`;
}
