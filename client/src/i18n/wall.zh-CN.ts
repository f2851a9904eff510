/** Strings of the wall (issue 17), merged into zh-CN.ts. */
export default {
  wall: {
    title: '{city} 指挥大屏',
    event: '重大活动：{name}',
    stale: '数据可能滞后（最后实时 {time}），正在恢复',
    waiting: '另有 {n} 条一级告警待展示',
    minutes: '{n} 分钟',
    noUnit: '无可用力量',
    noGaps: '全域覆盖正常',
    ended: {
      title: '大屏已退出',
      revoked: '此大屏的令牌已被管理员吊销。请联系管理员重新授权。',
      other: '此大屏的会话已结束。请联系管理员重新授权。',
    },
    panel: {
      kpis: '今日态势',
      trend: '近 7 日事件走势',
      categories: '今日事件类别',
      incidents: '在办事件',
      units: '力量状态',
      coverage: '力量覆盖盲区',
    },
    unitStatus: { available: '可用', busy: '执行中', offline: '离线' },
    unitKind: {
      police: '民警',
      patrol_car: '巡逻车',
      grid_worker: '网格员',
      fire: '消防',
      medical: '急救',
      department: '部门',
    },
  },
};
