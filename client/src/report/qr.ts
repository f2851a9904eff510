/**
 * The QR sheet of a community: the community's own code first, then each of its grids (codes
 * nest by prefix: community 12 digits, grid 15). Pure.
 */
import { API_PREFIX } from '@shared/api';

export interface QrItem {
  code: string;
  name: string;
  level: 'community' | 'grid';
}

export interface NamedRegion {
  code: string;
  name: string;
}

export function qrItems(community: NamedRegion, grids: readonly NamedRegion[]): QrItem[] {
  const mine = grids
    .filter((g) => g.code.length === 15 && g.code.startsWith(community.code))
    .sort((a, b) => a.code.localeCompare(b.code));
  return [{ ...community, level: 'community' }, ...mine.map((g) => ({ ...g, level: 'grid' as const }))];
}

/** The hub's SVG of the QR code that opens the citizen page for this region. */
export function qrSrc(code: string): string {
  return `${API_PREFIX}/regions/${encodeURIComponent(code)}/qr.svg`;
}
