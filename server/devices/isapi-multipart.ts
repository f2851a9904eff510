/**
 * The body of a Hikvision ISAPI "HTTP listening" push (issue 18): `multipart/form-data` whose XML
 * part is the `EventNotificationAlert` and whose JPEG parts are its pictures, or a bare
 * `application/xml` / `text/xml` alert. Reads the request itself (no body parser runs for these
 * types), within limits, and always leaves the socket usable or closed, never hanging.
 *
 * Decisions:
 * - The XML part: the first one whose content type names xml, or whose name or file name ends in
 *   `.xml` or is `EventNotificationAlert`, or, failing those, a text part that starts with `<` and
 *   holds `EventNotificationAlert`. Images: `image/*` or a `.jpg`/`.jpeg` file name, in their order.
 *   Other parts are read and dropped.
 * - busboy reads parts without a file name as text; with `defCharset: 'latin1'` such a part's
 *   bytes come back exactly (Buffer.from(value, 'latin1')); a part that names a charset was decoded
 *   by busboy, and a value with characters past U+00FF is written back as UTF-8 (the parser takes
 *   valid UTF-8 as UTF-8 whatever the XML declaration says).
 * - Older NVRs use the literal boundary `boundary`, and some send no boundary parameter at all: the
 *   boundary is then read from the body's first line (`--boundary`).
 * - Limits (defaults): XML ≤ 64 KiB, each image ≤ MAX_PHOTO_BYTES (5 MiB), at most 4 images, the
 *   whole body ≤ 12 MiB (a larger Content-Length is refused before reading), 30 s for the body.
 *   Over one: 'too-large' (413) naming the part; a body that ends before the closing boundary or
 *   breaks a part header, or holds no XML part: 'malformed' (400); another content type:
 *   'unsupported' (415); too slow: 'timeout' (408).
 * - On a refusal the rest of the body is read and dropped up to the body limit, then the request is
 *   destroyed (the caller should answer with `Connection: close`); the first 1 MiB of raw bytes read
 *   comes back with the result and with every error, for a dead letter.
 */
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { MAX_PHOTO_BYTES } from '@shared/incidents';
import { cleanText, MAX_ISAPI_XML_BYTES } from './isapi';

export interface IsapiLimits {
  /** The XML part (or a bare XML body). */
  xmlBytes: number;
  /** Each image part. */
  imageBytes: number;
  /** The whole body. */
  bodyBytes: number;
  /** Image parts. */
  images: number;
  /** Raw bytes kept for a dead letter. */
  keepBytes: number;
  /** For the whole body to arrive. */
  timeoutMs: number;
}

export const ISAPI_LIMITS: Readonly<IsapiLimits> = {
  xmlBytes: MAX_ISAPI_XML_BYTES,
  imageBytes: MAX_PHOTO_BYTES,
  bodyBytes: 12 * 1024 * 1024,
  images: 4,
  keepBytes: 1024 * 1024,
  timeoutMs: 30_000,
};

export interface IsapiRequest {
  /** The alert's bytes, for parseIsapiAlert. */
  xml: Buffer;
  /** The pictures, in the order sent (not yet checked: the sink judges their bytes). */
  images: Buffer[];
  /** The first `keepBytes` of the body as received. */
  raw: Buffer;
}

export type IsapiRequestErrorKind = 'too-large' | 'malformed' | 'unsupported' | 'timeout';

const STATUS: Record<IsapiRequestErrorKind, number> = {
  'too-large': 413,
  malformed: 400,
  unsupported: 415,
  timeout: 408,
};

export class IsapiRequestError extends Error {
  override readonly name = 'IsapiRequestError';
  readonly status: number;
  constructor(
    readonly kind: IsapiRequestErrorKind,
    message: string,
    /** The first bytes of the body read before the refusal. */
    readonly raw: Buffer,
  ) {
    super(message);
    this.status = STATUS[kind];
  }
}

const KIB = 1024;
const size = (n: number) => (n >= KIB * KIB ? `${+(n / KIB / KIB).toFixed(1)} MiB` : `${+(n / KIB).toFixed(1)} KiB`);
const MAX_PARTS = 16;

type PartKind = 'xml' | 'image' | 'other';

function classify(name: string, filename: string | undefined, mimeType: string): PartKind {
  const type = mimeType.toLowerCase();
  const names = [name, filename ?? ''].map((n) => n.toLowerCase());
  if (/[/+]xml$/.test(type) || names.some((n) => n.endsWith('.xml') || n === 'eventnotificationalert')) return 'xml';
  if (type.startsWith('image/') || names.some((n) => /\.jpe?g$/.test(n))) return 'image';
  return 'other';
}

const partLabel = (name: string | undefined) => `part ${JSON.stringify(cleanText(name ?? '', 60))}`;

/** The value of a text part as bytes (see the note on busboy's decoding above). */
function fieldBytes(value: string): Buffer {
  // eslint-disable-next-line no-control-regex -- any code unit past U+00FF
  return /[^\u0000-\u00ff]/.test(value) ? Buffer.from(value, 'utf8') : Buffer.from(value, 'latin1');
}

/** A boundary from a body's first line (`--boundary\r\n`), RFC 2046's characters only. */
function sniffBoundary(head: Buffer): string | null | undefined {
  const nl = head.indexOf(0x0a);
  if (nl < 0) return head.length > 80 ? null : undefined; // undefined: read more
  const m = /^--([0-9A-Za-z'()+_,\-./:=? ]{1,70}?)\r?$/.exec(head.subarray(0, nl).toString('latin1'));
  return m ? m[1]! : null;
}

/**
 * Read an ISAPI push. Resolves with the XML and the images, or rejects with an
 * `IsapiRequestError` (kind, status, message naming the part, the raw bytes read).
 */
export function readIsapiRequest(req: IncomingMessage, limits: Partial<IsapiLimits> = {}): Promise<IsapiRequest> {
  const lim: IsapiLimits = { ...ISAPI_LIMITS, ...limits };
  return new Promise<IsapiRequest>((resolve, reject) => {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let total = 0;
    let settled = false;
    const raw = () => Buffer.concat(kept, keptBytes);

    const contentType = req.headers['content-type'] ?? '';
    const media = contentType.split(';')[0]!.trim().toLowerCase();
    const multipart = media === 'multipart/form-data';
    const bare = media === 'application/xml' || media === 'text/xml';

    const timer = setTimeout(
      () => fail('timeout', `the body did not arrive within ${lim.timeoutMs / 1000} s`),
      lim.timeoutMs,
    );
    timer.unref();

    function detach(): void {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
    }

    /** Refuse, then read and drop the rest (up to the body limit) so the answer can be read. */
    function fail(kind: IsapiRequestErrorKind, message: string): void {
      if (settled) return;
      settled = true;
      detach();
      reject(new IsapiRequestError(kind, message, raw()));
      if (bb) bb.removeAllListeners('file').removeAllListeners('field');
      if (req.readableEnded || req.destroyed) return;
      let drained = total;
      req.on('data', (chunk: Buffer) => {
        drained += chunk.length;
        if (drained > lim.bodyBytes && !req.destroyed) req.destroy();
      });
      req.resume();
    }

    function succeed(xml: Buffer, images: Buffer[]): void {
      if (settled) return;
      settled = true;
      detach();
      resolve({ xml, images, raw: raw() });
    }

    // ------------------------------------------------------------ what arrives
    const onError = () => fail('malformed', 'the request broke off before its body ended');
    req.on('error', onError); // kept after settling: a late socket error must not go unhandled

    function onClose(): void {
      if (!req.readableEnded) onError();
    }

    function onData(chunk: Buffer): void {
      total += chunk.length;
      if (keptBytes < lim.keepBytes) {
        const take = chunk.subarray(0, lim.keepBytes - keptBytes);
        kept.push(take);
        keptBytes += take.length;
      }
      if (total > lim.bodyBytes) return fail('too-large', `the body is larger than ${size(lim.bodyBytes)}`);
      if (bare) {
        if (total > lim.xmlBytes) return fail('too-large', `the XML body is larger than ${size(lim.xmlBytes)}`);
        bareChunks.push(chunk);
        return;
      }
      if (!bb) {
        pending.push(chunk);
        const boundary = sniffBoundary(Buffer.concat(pending));
        if (boundary === undefined) return;
        if (boundary === null)
          return fail('malformed', 'the multipart body has no boundary (none in Content-Type, none on its first line)');
        start(`multipart/form-data; boundary="${boundary}"`);
        const first = Buffer.concat(pending);
        pending.length = 0;
        write(first);
        return;
      }
      write(chunk);
    }

    function onEnd(): void {
      if (settled) return;
      if (bare) {
        const xml = Buffer.concat(bareChunks);
        return xml.length === 0 ? fail('malformed', 'the body is empty') : succeed(xml, []);
      }
      if (!bb) return fail('malformed', 'the multipart body is empty or has no boundary line');
      bb.end();
    }

    // ------------------------------------------------------------ multipart
    const bareChunks: Buffer[] = [];
    const pending: Buffer[] = [];
    let bb: busboy.Busboy | undefined;
    let xml: Buffer | undefined;
    const images: Buffer[] = [];
    let imageSlots = 0;

    function write(chunk: Buffer): void {
      if (settled || !bb) return;
      if (!bb.write(chunk)) {
        req.pause();
        bb.once('drain', () => {
          if (!settled) req.resume();
        });
      }
    }

    function start(type: string): void {
      try {
        bb = busboy({
          headers: { 'content-type': type },
          defCharset: 'latin1',
          limits: {
            fieldSize: Math.max(lim.xmlBytes, lim.imageBytes) + 1,
            fileSize: Math.max(lim.xmlBytes, lim.imageBytes) + 1,
            parts: MAX_PARTS,
            headerPairs: 32,
          },
        });
      } catch (err) {
        return fail('malformed', `the multipart Content-Type cannot be read: ${cleanText(String(err))}`);
      }
      bb.on('error', (err: unknown) =>
        fail(
          'malformed',
          `the multipart body is broken: ${cleanText(err instanceof Error ? err.message : String(err))}`,
        ),
      );
      bb.on('partsLimit', () => fail('too-large', `the body has more than ${MAX_PARTS} parts`));
      bb.on('close', () => {
        if (settled) return;
        if (!xml) return fail('malformed', 'the multipart body has no XML part (EventNotificationAlert)');
        succeed(
          xml,
          images.filter((i) => i !== undefined),
        );
      });

      bb.on('file', (name, stream, info) => {
        let kind = classify(name, info.filename, info.mimeType);
        if (kind === 'xml' && xml) kind = 'other';
        if (kind === 'other') return stream.resume();
        const label = `${kind === 'xml' ? 'the XML' : 'the image'} ${partLabel(name)}`;
        const max = kind === 'xml' ? lim.xmlBytes : lim.imageBytes;
        let slot = -1;
        if (kind === 'image') {
          if (imageSlots >= lim.images) {
            stream.resume();
            return fail('too-large', `more than ${lim.images} images (${label})`);
          }
          slot = imageSlots++;
        } else xml = Buffer.alloc(0); // claimed: a later xml part is another part
        const chunks: Buffer[] = [];
        let bytes = 0;
        stream.on('data', (c: Buffer) => {
          bytes += c.length;
          if (bytes > max) return fail('too-large', `${label} is larger than ${size(max)}`);
          chunks.push(c);
        });
        stream.on('limit', () => fail('too-large', `${label} is larger than ${size(max)}`));
        stream.on('error', () => {}); // busboy reports it as its own error
        stream.on('end', () => {
          if (settled) return;
          const data = Buffer.concat(chunks, bytes);
          if (kind === 'xml') xml = data;
          else images[slot] = data;
        });
      });

      bb.on('field', (name, value, info) => {
        let kind = classify(name, undefined, info.mimeType);
        if (kind === 'other' && !xml && /^\s*</.test(value) && value.slice(0, 4096).includes('EventNotificationAlert'))
          kind = 'xml';
        if (kind === 'xml' && xml) kind = 'other';
        if (kind === 'other') return;
        const label = `${kind === 'xml' ? 'the XML' : 'the image'} ${partLabel(name)}`;
        const max = kind === 'xml' ? lim.xmlBytes : lim.imageBytes;
        const data = fieldBytes(value);
        if (info.valueTruncated || data.length > max) return fail('too-large', `${label} is larger than ${size(max)}`);
        if (kind === 'xml') xml = data;
        else if (imageSlots >= lim.images) fail('too-large', `more than ${lim.images} images (${label})`);
        else images[imageSlots++] = data;
      });
    }

    // ------------------------------------------------------------ begin
    if (!multipart && !bare) {
      return fail(
        'unsupported',
        `Content-Type ${JSON.stringify(cleanText(contentType, 80) || '(none)')} is not accepted: send multipart/form-data or application/xml`,
      );
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > lim.bodyBytes)
      return fail('too-large', `the body is larger than ${size(lim.bodyBytes)}`);
    if (bare && Number.isFinite(declared) && declared > lim.xmlBytes)
      return fail('too-large', `the XML body is larger than ${size(lim.xmlBytes)}`);
    if (req.readableEnded) return fail('malformed', 'the body was read before (a body parser ran)');
    if (multipart && /;\s*boundary\s*=/i.test(contentType)) start(contentType);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
  });
}
