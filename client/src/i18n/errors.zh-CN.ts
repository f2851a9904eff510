/**
 * 简体中文: the hub's error codes (shared/errors.ts), said per code (client/src/common/useErrorText.ts).
 * The hub's own message is English for API clients; the zh-CN screen says the code's sentence
 * instead (the English table keeps the message as `{message}`).
 */
export default {
  errors: {
    request: {
      'malformed-json': '请求格式有误，请刷新页面后重试。',
      invalid: '提交的内容有误，请检查后重试。',
      'too-large': '提交的内容过大。',
    },
    route: { 'not-found': '服务不支持此操作，请刷新页面后重试。' },
    layer: { 'not-found': '图层不存在。' },
    region: { 'not-found': '区域不存在。' },
    service: {
      'not-ready': '指挥中心服务正在启动，请稍后再试。',
      unavailable: '数据库暂时无法访问，操作未执行，请稍后重试。',
    },
    auth: {
      required: '登录已失效，请重新登录。',
      'invalid-credentials': '用户名或密码错误。',
      locked: '登录失败次数过多，账号已暂时锁定，请稍后再试。',
      'otp-required': '请输入身份验证器应用中的 6 位验证码。',
      'otp-invalid': '验证码错误或已过期，请重新输入。',
      'totp-setup-required': '请先设置双重验证。',
      forbidden: '没有执行此操作的权限。',
      csrf: '请求未通过安全校验，请刷新页面后重试。',
    },
    rate: { limited: '请求过于频繁，请稍后再试。' },
    user: { 'not-found': '用户不存在。', exists: '该用户名已存在。' },
    credential: { 'not-found': '密钥或令牌不存在。' },
    alarm: { 'not-found': '告警不存在或已不在您的管辖范围内。' },
    incident: {
      'not-found': '事件不存在或已不在您的管辖范围内。',
      stale: '该事件已被他人更新，已显示最新状态。',
      illegal: '事件当前状态下不能执行此操作。',
    },
    unit: {
      'not-found': '处置力量不存在。',
      unavailable: '该处置力量正忙或离线，无法派出。',
      taken: '该处置力量已有启用的一线账号（每个力量一个手机账号）。',
    },
    photo: {
      type: '照片格式不受支持（仅限 JPEG、PNG 或 WebP）。',
      'too-large': '照片过大。',
      'not-found': '照片不存在，请重新上传。',
    },
    report: { 'not-found': '没有此查询码对应的上报。' },
    'major-event': { 'not-found': '重大活动不存在。', closed: '该重大活动已结束，不能再修改。' },
    device: { 'not-found': '设备不存在。', exists: '已有同样地址、设备编码或接入地址的设备。' },
    wall: { 'preset-not-found': '大屏预案不存在。', 'preset-in-use': '默认预案或重大活动使用中的预案不能删除。' },
    internal: { error: '服务内部错误，请稍后重试。' },
  },
};
