/**
 * CSV of a stats table (issue 16), pure: RFC 4180 (CRLF, fields quoted when they hold a comma, a
 * quote or a line break), a UTF-8 byte-order mark so spreadsheet programs read Chinese labels, and
 * cells that a spreadsheet would run as a formula (=, +, -, @ first) prefixed with a quote.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const cell = (v: string | number | null): string => {
    if (v === null) return '';
    if (typeof v === 'number') return String(v);
    const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return '\uFEFF' + [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
