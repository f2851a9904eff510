/**
 * The major-event pages' texts (issue 17: plans, leader view, report), merged into the messages when
 * one of those pages' chunks loads: the desk's first load does not carry them.
 */
import { i18n } from './index';
import planZh from './event-plan.zh-CN';
import planEn from './event-plan.en';
import viewZh from './event-view.zh-CN';
import viewEn from './event-view.en';

let merged = false;

export function installEventMessages(): void {
  if (merged) return;
  i18n.global.mergeLocaleMessage('zh-CN', { ...planZh, ...viewZh });
  i18n.global.mergeLocaleMessage('en', { ...planEn, ...viewEn });
  merged = true;
}
