/**
 * Where the popup stack goes inside the map's box so that it covers nothing the dispatcher works
 * with: the map's own buttons (zoom, scale), notices on the map, and any open card or dialog that
 * lies over it. Pure geometry in viewport pixels; useAlarmPopupPlace.ts measures the page.
 */

export interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface StackFit {
  /** How many popups fit (the first n, newest first). */
  n: number;
  /** Where the stack's top-left corner goes, relative to the box. */
  left: number;
  top: number;
}

/** Space kept between the stack and the box's edges or anything it avoids (px). */
export const STACK_MARGIN = 12;
/** Space between two popups (px). */
export const STACK_GAP = 8;

const overlaps = (a: Rect, b: Rect): boolean =>
  a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

const grow = (r: Rect, by: number): Rect => ({
  left: r.left - by,
  top: r.top - by,
  right: r.right + by,
  bottom: r.bottom + by,
});

/**
 * The most popups (of `heights`, in order) that fit somewhere in `box` clear of `obstacles`, and
 * where: the top-right corner first (where a dispatcher looks for them), then top-left,
 * bottom-left, bottom-right. Null when not even one fits: the popups wait.
 */
export function fitStack(
  box: Rect,
  obstacles: readonly Rect[],
  heights: readonly number[],
  width: number,
): StackFit | null {
  const m = STACK_MARGIN;
  const avoid = obstacles.map((o) => grow(o, m / 2));
  for (let n = heights.length; n >= 1; n--) {
    const h = heights.slice(0, n).reduce((sum, x) => sum + x, 0) + STACK_GAP * (n - 1);
    const xs = [box.right - m - width, box.left + m];
    const ys = [box.top + m, box.bottom - m - h];
    const corners: [number, number][] = [
      [xs[0]!, ys[0]!],
      [xs[1]!, ys[0]!],
      [xs[1]!, ys[1]!],
      [xs[0]!, ys[1]!],
    ];
    for (const [x, y] of corners) {
      const r = { left: x, top: y, right: x + width, bottom: y + h };
      const inside = r.left >= box.left && r.top >= box.top && r.right <= box.right && r.bottom <= box.bottom;
      if (inside && !avoid.some((o) => overlaps(r, o))) return { n, left: x - box.left, top: y - box.top };
    }
  }
  return null;
}
