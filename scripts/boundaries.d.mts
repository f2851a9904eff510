/** Types of boundaries.mjs (plain JavaScript so that eslint.config.js can import it). */
export interface Part {
  name: string;
  path: string;
  may: string[];
}
export const parts: Part[];
export function partOf(file: string): Part | null;
export function allowed(from: Part, to: Part): boolean;
