/** Times in the admin tables: local 'YYYY-MM-DD HH:mm:ss', or a dash for none. Pure. */
import { NO_VALUE } from '../util/format';

const pad = (n: number): string => String(n).padStart(2, '0');

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return NO_VALUE;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
