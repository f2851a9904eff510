/**
 * The text a person sees on a page now, collected in the browser for the English scan
 * (english-scan.ts): visible text nodes, the placeholders and titles of visible elements,
 * and the document's title. Text inside an element marked translate="no" (data values) is left out.
 */
import type { Page } from '@playwright/test';
import type { VisibleText } from './english-scan';

export async function visibleTexts(page: Page, label: string): Promise<VisibleText[]> {
  const texts = await page.evaluate(() => {
    const out: { text: string; where: string }[] = [];
    const skipped = (el: Element): boolean => !!el.closest('[translate="no"], script, style, noscript, template');
    const shown = (el: Element): boolean =>
      el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) && el.getClientRects().length > 0;
    /** The nearest test id (or the tag and class) above an element: where a finding is. */
    const where = (el: Element): string => {
      const marked = el.closest('[data-testid]');
      const self = `${el.tagName.toLowerCase()}${el.classList.length ? `.${[...el.classList].join('.')}` : ''}`;
      return marked ? `[data-testid=${marked.getAttribute('data-testid')}] ${self}` : self;
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = (n.nodeValue ?? '').replace(/\s+/g, ' ').trim();
      const el = n.parentElement;
      if (!text || !el || skipped(el) || !shown(el)) continue;
      out.push({ text, where: where(el) });
    }
    // Placeholders and tooltips show on screen; aria-labels do not (a widget library's own, such
    // as Naive UI's "loading", are read to screen readers only).
    for (const el of document.body.querySelectorAll('[placeholder], [title]')) {
      if (skipped(el) || !shown(el)) continue;
      for (const attr of ['placeholder', 'title']) {
        const text = el.getAttribute(attr)?.trim();
        if (text) out.push({ text, where: `${where(el)} @${attr}` });
      }
    }
    if (document.title) out.push({ text: document.title, where: 'document.title' });
    return out;
  });
  return texts.map((t) => ({ ...t, where: `${label}: ${t.where}` }));
}
