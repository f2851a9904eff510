/**
 * The risk score of a dispute (矛盾纠纷), transparent by design: each factor adds points and is shown
 * with why, so a mediator can see what drives it. High risk (民转刑 early warning) means the hub
 * escalates and supervises the dispute. Pure; the hub counts the recurrences.
 */
import type { RiskFactor } from './hub-text';
import type { RiskCategory } from './incident-categories';
import type { DisputeRisk, RiskLevel } from './incidents';

export interface RiskInput {
  category: string;
  /** Earlier disputes in the last 365 days with one of the same parties. */
  sameParties: number;
  /** Earlier disputes within 100 m in the last 180 days. */
  sameAddress: number;
  failedMediations: number;
  /** Escalations so far (by hand, by an SLA breach). */
  escalations: number;
  /** The description and the mediation notes (threat words are looked for here). */
  text: string;
}

/** Categories that turn violent more often (points for the category alone). */
const CATEGORY_POINTS: Readonly<Partial<Record<RiskCategory, number>>> = {
  dispute_family: 15,
  dispute_labour: 10,
  dispute_land: 10,
  petition: 10,
  dispute_neighbour: 5,
  dispute_property: 5,
  dispute_traffic: 5,
  dispute_consumer: 0,
};

/** Words of threat, violence or despair (zh and en); one found is enough. */
export const THREAT_WORDS = [
  '杀',
  '砍',
  '捅',
  '同归于尽',
  '报复',
  '弄死',
  '汽油',
  '炸',
  '跳楼',
  '自杀',
  '拼命',
  '刀',
  'kill',
  'revenge',
  'knife',
  'burn',
  'suicide',
];

export const HIGH_RISK = 60;
export const MEDIUM_RISK = 30;

const cap = (n: number, max: number) => Math.min(n, max);

export function disputeRisk(input: RiskInput): DisputeRisk {
  const factors: RiskFactor[] = [];
  if (input.sameParties > 0)
    factors.push({
      code: 'repeat_parties',
      params: { n: input.sameParties },
      points: cap(15 * input.sameParties, 45),
    });
  if (input.sameAddress > 0)
    factors.push({
      code: 'repeat_address',
      params: { n: input.sameAddress },
      points: cap(5 * input.sameAddress, 20),
    });
  // Points only for a category of the table, so `input.category` is one of them when cat > 0.
  const cat = CATEGORY_POINTS[input.category as RiskCategory] ?? 0;
  if (cat > 0) factors.push({ code: 'category', params: { category: input.category as RiskCategory }, points: cat });
  if (input.failedMediations > 0)
    factors.push({
      code: 'failed_mediations',
      params: { n: input.failedMediations },
      points: cap(15 * input.failedMediations, 45),
    });
  if (input.escalations > 0)
    factors.push({
      code: 'escalations',
      params: { n: input.escalations },
      points: cap(10 * input.escalations, 20),
    });
  const lower = input.text.toLowerCase();
  const words = THREAT_WORDS.filter((w) => lower.includes(w));
  if (words.length) factors.push({ code: 'threat_words', params: { words }, points: 30 });
  const score = factors.reduce((s, f) => s + f.points, 0);
  return { score, level: riskLevel(score), factors };
}

export function riskLevel(score: number): RiskLevel {
  return score >= HIGH_RISK ? 'high' : score >= MEDIUM_RISK ? 'medium' : 'low';
}
