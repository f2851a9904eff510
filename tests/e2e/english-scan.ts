/**
 * Finds untranslated English in the text a zh-CN screen shows (issue 15). Pure: it takes the
 * visible texts (tests/e2e/visible-text.ts collects them in the page) and returns the Latin words
 * that are neither data nor an allowed term.
 *
 * What passes, and why:
 * - a word with a digit: ids, codes and numbers with their unit (unit-police-0001, E20261122-0003,
 *   P1, H.264, 3km), which are data, not sentences;
 * - the few terms a Chinese screen writes in Latin letters (ALLOWED below, each with its reason);
 * - text inside an element marked translate="no" (the HTML attribute for "not to be translated"):
 *   the collector skips it; screens mark data values so (usernames, audit actions, payloads);
 * - `data`: values the test knows come from the data (names it created).
 * Everything else in Latin letters is English: a sentence, a word, an enum code (fence_intrusion)
 * or an i18n key that has no message (incidents.detail.by).
 */

/** Terms written in Latin letters on Chinese screens too, and why each may stay. */
export const ALLOWED: ReadonlyMap<string, string> = new Map([
  ['SLA', 'service-level agreement: the acronym is what Chinese dispatch centres say'],
  ['ID', 'identifier, as in 身份证 ID / 摄像机 ID'],
  ['QR', 'QR code (二维码): the acronym is common in Chinese'],
  ['TOTP', 'the standard name of time-based one-time passwords (RFC 6238)'],
  ['MQTT', 'the protocol’s name'],
  ['AI', 'as in AI 摄像机 (a camera with video analytics): the acronym is what Chinese vendors write'],
  ['JPEG', 'a photo format’s name'],
  ['PNG', 'a photo format’s name'],
  ['WebP', 'a photo format’s name'],
  ['MB', 'the unit megabyte'],
  ['JSON', 'the data format’s name'],
  ['CSV', 'the file format’s name (导出 CSV: what spreadsheet users in China call it)'],
  ['HTTPS', 'the protocol’s name'],
  ['Esc', 'the key as printed on keyboards'],
  ['HLS', 'the video protocol’s name'],
  ['FLV', 'the video format’s name (HTTP-FLV)'],
  ['HTTP', 'the protocol’s name (HTTP-FLV)'],
  // Device protocols and standards (issue 18): integrators configure devices by these names.
  ['ISAPI', 'Hikvision’s device protocol, by its name'],
  ['SIP', 'the signalling protocol GB/T 28181 devices speak'],
  ['GB', 'as in GB/T 28181: the national standard’s designation'],
  ['T', 'as in GB/T 28181 (推荐性国家标准)'],
  ['UDP', 'the transport’s name'],
  ['TCP', 'the transport’s name'],
  ['MAC', 'a network card’s address, as devices label it'],
  ['IP', 'as in IP 地址'],
  ['URL', 'a web address, as device settings label it'],
  ['CAP', 'OASIS Common Alerting Protocol: the standard’s name'],
  ['Open311', 'the citizen-request standard’s name'],
  ['EN', 'the language switch names the other language in that language'],
  ['km', 'the unit kilometre'],
  ['m', 'the unit metre'],
]);

export interface VisibleText {
  text: string;
  /** Where it was seen (a test id or tag path, and the page): for the failure message. */
  where: string;
}

export interface EnglishFound {
  word: string;
  text: string;
  where: string;
}

// A run of Latin letters, digits and the joiners of ids, codes, keys and paths.
const TOKEN = /[A-Za-z0-9][A-Za-z0-9_.\-/:@#+]*/g;
// Closing punctuation that belongs to the sentence, not the word.
const TRAILING = /[._\-/:@#+]+$/;

/** The English words of one text (in order, repeats kept). */
export function englishWords(text: string, data: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (const [raw] of text.matchAll(TOKEN)) {
    const word = raw.replace(TRAILING, '');
    if (!/[A-Za-z]/.test(word) || /\d/.test(word)) continue;
    if (data.has(word) || data.has(raw)) continue;
    // A compound (HTTP-FLV, TCP/IP) passes when each of its parts does.
    if (word.split(/[-/]/).every((part) => part === '' || ALLOWED.has(part))) continue;
    out.push(word);
  }
  return out;
}

/** Every English word of the texts, with the text and where it was seen; the same text and place once. */
export function findEnglish(texts: readonly VisibleText[], data: ReadonlySet<string> = new Set()): EnglishFound[] {
  const seen = new Set<string>();
  const out: EnglishFound[] = [];
  for (const { text, where } of texts) {
    const key = `${where}\u0000${text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const word of englishWords(text, data)) out.push({ word, text, where });
  }
  return out;
}

/** One line per finding, for a failure message a person can act on. */
export function describeFindings(found: readonly EnglishFound[]): string {
  return found.map((f) => `${f.word}  in "${f.text.slice(0, 120)}"  at ${f.where}`).join('\n');
}
