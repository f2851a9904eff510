import type zh from './hub.zh-CN';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

/** English: what the hub writes for a screen as keys (shared/hub-text.ts); same keys as hub.zh-CN.ts. */
export default {
  hub: {
    timeline: {
      alarmIncident: '{priority} alarm: an incident made at once',
      slaBreach: '{stage} deadline passed; escalated one level up and flagged',
      riskHigh: 'Risk score {score}: high (early warning of violence); escalated and supervised',
      noRatingToWait: 'Not a citizen’s report: no rating to wait for; closed',
      rated: 'Rated by the citizen; closed',
      ratingTimeout: 'No rating from the citizen within {hours} h; closed',
      qrReport: 'Reported by QR code ({region})',
    },
    source: {
      alarm: '{rule} ({type})',
      report: '{source}: {title}',
      citizen: 'Citizen report',
      citizenQr: 'Citizen report by QR code ({region})',
      incident: '{code} {title}',
      text: '{text}',
    },
    risk: {
      repeat_parties: 'Same parties in {n} earlier dispute(s) within a year',
      repeat_address: '{n} earlier dispute(s) within 100 m in 180 days',
      category: 'Category: {category}',
      failed_mediations: '{n} failed mediation(s)',
      escalations: 'Escalated {n} time(s)',
      threat_words: 'Threat words: {words}',
    },
    listSeparator: ', ',
  },
} satisfies Shape<typeof zh>;
