/** Times on the phone pages: today's as HH:mm, other days with the date. Pure (local time zone). */
export function formatWhen(iso: string, locale: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const sameDay =
    d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
  if (sameDay) return time;
  const date = new Intl.DateTimeFormat(locale, {
    ...(d.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
    month: '2-digit',
    day: '2-digit',
  }).format(d);
  return `${date} ${time}`;
}
