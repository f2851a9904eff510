/**
 * The compact columnar layer format ("packed layer").
 *
 * Why not GeoJSON: 130k cameras are 18 MB of GeoJSON the browser must parse into objects and
 * deck.gl must walk again to build its buffers. Here each column is a typed array that the client
 * views in place (no parse, no copy) and hands to deck.gl as a binary attribute. Why not Arrow or
 * FlatGeobuf: both are good interchange formats, but neither hands deck.gl its start-index layout
 * for paths/polygons directly, and both add a decoder of 100 KB+ to every screen; this format
 * is one small module shared by the hub and the client, and the hub serves GeoJSON beside it
 * for other tools.
 *
 * Layout (little-endian):
 *   0   4 bytes  magic "CDL1"
 *   4   u32      byte length H of the JSON header
 *   8   H bytes  UTF-8 JSON header (PackedHeader)
 *   ... zero padding to a multiple of 8: the data section. Each column's bytes lie at
 *       header.columns[i].byteOffset from the data section's start, 8-aligned, so typed-array
 *       views need no copy.
 *
 * Geometry columns follow deck.gl's binary conventions:
 *   point:   `position` f32 × 2 per feature
 *   line:    `position` f32 × 2 per vertex, `pathStart` u32 (features + 1) vertex offsets
 *   polygon: `position` f32 × 2 per vertex, `ringStart` u32 (rings + 1) vertex offsets,
 *            `polygonStart` u32 (polygons + 1) ring offsets, `featureStart` u32 (features + 1)
 *            polygon offsets (features may be multi-polygons; the first ring of a polygon is outer).
 * Float32 keeps about 0.7 m at this longitude: enough for a city map.
 */

export type NumericType = 'f32' | 'f64' | 'u8' | 'u16' | 'u32' | 'i32';

type TypedArrayOf = {
  f32: Float32Array;
  f64: Float64Array;
  u8: Uint8Array;
  u16: Uint16Array;
  u32: Uint32Array;
  i32: Int32Array;
};
export type AnyTypedArray = TypedArrayOf[NumericType];

const CTORS = {
  f32: Float32Array,
  f64: Float64Array,
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
  i32: Int32Array,
} as const;

/** A column of numbers (`size` components per item), of utf8 strings, or of dictionary codes. */
export type ColumnSpec =
  | { name: string; kind: 'numeric'; type: NumericType; size: number; byteOffset: number; length: number }
  /** UTF-8 strings back to back; `lengths` holds each string's byte length (small integers
   *  compress far better than running offsets; the reader sums them). */
  | {
      name: string;
      kind: 'utf8';
      byteOffset: number;
      byteLength: number;
      count: number;
      lengthsType: 'u8' | 'u16' | 'u32';
      lengthsByteOffset: number;
    }
  | { name: string; kind: 'dict'; type: 'u8' | 'u16'; values: string[]; byteOffset: number; length: number };

export type GeometryKind = 'point' | 'line' | 'polygon';

export interface PackedHeader {
  layer: string;
  geometry: GeometryKind;
  /** Number of features. */
  count: number;
  columns: ColumnSpec[];
  /** Free-form metadata (e.g. the data version). */
  meta?: Record<string, unknown>;
}

/** Input column for the encoder. */
export type ColumnInput =
  | { name: string; kind: 'numeric'; data: AnyTypedArray; size?: number }
  | { name: string; kind: 'utf8'; data: readonly string[] }
  | { name: string; kind: 'dict'; data: readonly string[] };

const MAGIC = 0x314c4443; // "CDL1" read as little-endian u32
const align8 = (n: number): number => (n + 7) & ~7;

function numericTypeOf(a: AnyTypedArray): NumericType {
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Uint8Array) return 'u8';
  if (a instanceof Uint16Array) return 'u16';
  if (a instanceof Uint32Array) return 'u32';
  return 'i32';
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Encode a layer into one ArrayBuffer-backed byte array. */
export function encodePacked(
  layer: string,
  geometry: GeometryKind,
  count: number,
  inputs: readonly ColumnInput[],
  meta?: Record<string, unknown>,
): Uint8Array {
  // First pass: turn every input into byte chunks and a spec with a relative offset.
  const chunks: { spec: ColumnSpec; parts: { rel: 'data' | 'lengths'; bytes: Uint8Array }[] }[] = [];
  for (const input of inputs) {
    switch (input.kind) {
      case 'numeric': {
        const type = numericTypeOf(input.data);
        const bytes = new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.byteLength);
        chunks.push({
          spec: {
            name: input.name,
            kind: 'numeric',
            type,
            size: input.size ?? 1,
            byteOffset: 0,
            length: input.data.length,
          },
          parts: [{ rel: 'data', bytes }],
        });
        break;
      }
      case 'utf8': {
        // One pass with encodeInto into a buffer sized for the worst case (3 bytes per UTF-16 unit).
        let maxBytes = 0;
        for (const str of input.data) maxBytes += str.length * 3;
        const scratch = new Uint8Array(maxBytes);
        const lengths32 = new Uint32Array(input.data.length);
        let total = 0;
        let longest = 0;
        input.data.forEach((str, i) => {
          const n = textEncoder.encodeInto(str, scratch.subarray(total)).written;
          lengths32[i] = n;
          total += n;
          if (n > longest) longest = n;
        });
        const lengths =
          longest < 256 ? Uint8Array.from(lengths32) : longest < 65536 ? Uint16Array.from(lengths32) : lengths32;
        chunks.push({
          spec: {
            name: input.name,
            kind: 'utf8',
            byteOffset: 0,
            byteLength: total,
            count: input.data.length,
            lengthsType: lengths instanceof Uint8Array ? 'u8' : lengths instanceof Uint16Array ? 'u16' : 'u32',
            lengthsByteOffset: 0,
          },
          parts: [
            { rel: 'lengths', bytes: new Uint8Array(lengths.buffer, lengths.byteOffset, lengths.byteLength) },
            { rel: 'data', bytes: scratch.subarray(0, total) },
          ],
        });
        break;
      }
      case 'dict': {
        const values: string[] = [];
        const index = new Map<string, number>();
        for (const s of input.data) {
          if (!index.has(s)) {
            index.set(s, values.length);
            values.push(s);
          }
        }
        if (values.length > 65536)
          throw new Error(`packed: column ${input.name} has too many distinct values for a dictionary`);
        const codes = values.length <= 256 ? new Uint8Array(input.data.length) : new Uint16Array(input.data.length);
        input.data.forEach((s, i) => {
          codes[i] = index.get(s) ?? 0;
        });
        chunks.push({
          spec: {
            name: input.name,
            kind: 'dict',
            type: codes instanceof Uint8Array ? 'u8' : 'u16',
            values,
            byteOffset: 0,
            length: input.data.length,
          },
          parts: [{ rel: 'data', bytes: new Uint8Array(codes.buffer) }],
        });
        break;
      }
    }
  }

  // Offsets in the header are relative to the data section, which starts at the first 8-aligned
  // byte after the header: so the header can be written once, whatever its length.
  let cursor = 0;
  for (const c of chunks) {
    for (const p of c.parts) {
      if (p.rel === 'lengths' && c.spec.kind === 'utf8') c.spec.lengthsByteOffset = cursor;
      else c.spec.byteOffset = cursor;
      cursor = align8(cursor + p.bytes.byteLength);
    }
  }
  const header: PackedHeader = {
    layer,
    geometry,
    count,
    columns: chunks.map((c) => c.spec),
    ...(meta ? { meta } : {}),
  };
  const headerBytes = textEncoder.encode(JSON.stringify(header));
  const dataStart = align8(8 + headerBytes.byteLength);
  const out = new Uint8Array(dataStart + cursor);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, headerBytes.byteLength, true);
  out.set(headerBytes, 8);
  for (const c of chunks) {
    for (const p of c.parts) {
      const at = p.rel === 'lengths' && c.spec.kind === 'utf8' ? c.spec.lengthsByteOffset : c.spec.byteOffset;
      out.set(p.bytes, dataStart + at);
    }
  }
  return out;
}

/** A decoded layer: typed-array views into the original buffer (no copies for numeric columns). */
export interface PackedLayer {
  header: PackedHeader;
  numeric(name: string): AnyTypedArray;
  /** Strings of a utf8 or dict column: decoded on first use, then the same array every time. */
  strings(name: string): readonly string[];
  /** Dictionary codes and values of a dict column (for colour lookups without string work). */
  dict(name: string): { codes: Uint8Array | Uint16Array; values: string[] };
  has(name: string): boolean;
}

export class PackedFormatError extends Error {}

export function decodePacked(input: ArrayBuffer | Uint8Array): PackedLayer {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.byteOffset % 8 !== 0) throw new PackedFormatError('packed: buffer must be 8-byte aligned');
  if (bytes.byteLength < 8) throw new PackedFormatError('packed: buffer too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new PackedFormatError('packed: bad magic (not a CDL1 layer)');
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > bytes.byteLength) throw new PackedFormatError('packed: header overruns buffer');
  const header = JSON.parse(textDecoder.decode(bytes.subarray(8, 8 + headerLength))) as PackedHeader;
  const byName = new Map(header.columns.map((c) => [c.name, c]));
  const dataStart = align8(8 + headerLength);
  const base = bytes.byteOffset + dataStart;
  // Never a SharedArrayBuffer here: fetch() and Buffer give plain ArrayBuffers.
  const buffer = bytes.buffer as ArrayBuffer;
  const get = (name: string): ColumnSpec => {
    const spec = byName.get(name);
    if (!spec) throw new PackedFormatError(`packed: layer ${header.layer} has no column ${name}`);
    return spec;
  };
  const checkRange = (offset: number, length: number): void => {
    if (dataStart + offset + length > bytes.byteLength) throw new PackedFormatError('packed: column overruns buffer');
  };
  const dictOf = (name: string): { codes: Uint8Array | Uint16Array; values: string[] } => {
    const spec = get(name);
    if (spec.kind !== 'dict') throw new PackedFormatError(`packed: column ${name} is not a dictionary`);
    const ctor = spec.type === 'u8' ? Uint8Array : Uint16Array;
    checkRange(spec.byteOffset, spec.length * ctor.BYTES_PER_ELEMENT);
    return { codes: new ctor(buffer, base + spec.byteOffset, spec.length), values: spec.values };
  };
  const decoded = new Map<string, readonly string[]>();
  const decodeStrings = (name: string): string[] => {
    const spec = get(name);
    if (spec.kind === 'dict') {
      const { codes, values } = dictOf(name);
      return Array.from(codes, (c) => values[c] ?? '');
    }
    if (spec.kind !== 'utf8') throw new PackedFormatError(`packed: column ${name} holds no strings`);
    const lctor = CTORS[spec.lengthsType];
    checkRange(spec.lengthsByteOffset, spec.count * lctor.BYTES_PER_ELEMENT);
    checkRange(spec.byteOffset, spec.byteLength);
    const lengths = new lctor(buffer, base + spec.lengthsByteOffset, spec.count);
    const data = bytes.subarray(dataStart + spec.byteOffset, dataStart + spec.byteOffset + spec.byteLength);
    const out = new Array<string>(spec.count);
    let at = 0;
    for (let i = 0; i < spec.count; i++) {
      const n = lengths[i] ?? 0;
      if (at + n > spec.byteLength) throw new PackedFormatError(`packed: column ${name} lengths overrun its data`);
      out[i] = textDecoder.decode(data.subarray(at, at + n));
      at += n;
    }
    return out;
  };
  return {
    header,
    has: (name) => byName.has(name),
    numeric(name) {
      const spec = get(name);
      if (spec.kind !== 'numeric') throw new PackedFormatError(`packed: column ${name} is not numeric`);
      const ctor = CTORS[spec.type];
      checkRange(spec.byteOffset, spec.length * ctor.BYTES_PER_ELEMENT);
      return new ctor(buffer, base + spec.byteOffset, spec.length);
    },
    strings(name) {
      // The bytes never change, so 130k ids or names are decoded once per layer, not per click.
      let out = decoded.get(name);
      if (!out) {
        out = decodeStrings(name);
        decoded.set(name, out);
      }
      return out;
    },
    dict: dictOf,
  };
}
