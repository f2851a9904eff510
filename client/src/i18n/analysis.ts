/**
 * The analysis page's texts, merged into the messages when the page's chunk loads: the desk's first
 * load does not carry them (issue 16: the desk's first load must not grow).
 */
import { i18n } from './index';
import zh from './analysis.zh-CN';
import en from './analysis.en';

let merged = false;

export function installAnalysisMessages(): void {
  if (merged) return;
  i18n.global.mergeLocaleMessage('zh-CN', zh);
  i18n.global.mergeLocaleMessage('en', en);
  merged = true;
}
