/**
 * 简体中文: what the hub writes for a screen as keys (shared/hub-text.ts): timeline notes, incident
 * sources, dispute risk factors. Codes among the parameters (stage, event type, category, source)
 * arrive already said in this language (client/src/common/useHubText.ts).
 */
export default {
  hub: {
    timeline: {
      alarmIncident: '{priority}告警，自动生成事件',
      slaBreach: '{stage}时限已过，已升级一级并督办',
      riskHigh: '风险评分 {score}，高风险（民转刑预警），已升级并挂牌督办',
      noRatingToWait: '非群众上报，无需等待评价，自动办结',
      rated: '群众已评价，自动办结',
      ratingTimeout: '群众 {hours} 小时内未评价，自动办结',
      qrReport: '扫码上报（{region}）',
    },
    source: {
      alarm: '{rule}（{type}）',
      report: '{source}：{title}',
      citizen: '群众上报',
      citizenQr: '群众扫码上报（{region}）',
      incident: '{code} {title}',
      text: '{text}',
    },
    risk: {
      repeat_parties: '同一当事人近一年内已有 {n} 起纠纷',
      repeat_address: '近半年 100 米内已有 {n} 起纠纷',
      category: '纠纷类别：{category}',
      failed_mediations: '调解失败 {n} 次',
      escalations: '已升级 {n} 次',
      threat_words: '出现威胁性言语：{words}',
    },
    listSeparator: '、',
  },
};
