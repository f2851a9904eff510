import { describe, expect, it } from 'vitest';
import { decodePacked, encodePacked, PackedFormatError } from '@shared/packed';

describe('packed layer format', () => {
  const encode = () =>
    encodePacked(
      'demo',
      'point',
      3,
      [
        { name: 'position', kind: 'numeric', data: Float32Array.from([115.9, 28.68, 116, 28.7, 115.8, 28.6]), size: 2 },
        { name: 'id', kind: 'utf8', data: ['a', '南昌', ''] },
        { name: 'kind', kind: 'dict', data: ['ai', 'social', 'ai'] },
        { name: 'heading', kind: 'numeric', data: Uint16Array.from([0, 180, 359]) },
      ],
      { version: 3 },
    );

  it('round-trips numeric, utf8 and dictionary columns', () => {
    const layer = decodePacked(encode());
    expect(layer.header).toMatchObject({ layer: 'demo', geometry: 'point', count: 3, meta: { version: 3 } });
    expect(Array.from(layer.numeric('position'))).toEqual(
      Array.from(Float32Array.from([115.9, 28.68, 116, 28.7, 115.8, 28.6])),
    );
    expect(layer.strings('id')).toEqual(['a', '南昌', '']);
    expect(layer.strings('kind')).toEqual(['ai', 'social', 'ai']);
    expect(layer.dict('kind')).toEqual({ codes: Uint8Array.from([0, 1, 0]), values: ['ai', 'social'] });
    expect(Array.from(layer.numeric('heading'))).toEqual([0, 180, 359]);
  });

  it('decodes a string column once and hands back the same array after that', () => {
    const layer = decodePacked(encode());
    expect(layer.strings('id')).toBe(layer.strings('id'));
    expect(layer.strings('kind')).toBe(layer.strings('kind'));
  });

  it('aligns every column to 8 bytes so views need no copy', () => {
    const bytes = encode();
    const layer = decodePacked(bytes);
    for (const c of layer.header.columns) expect(c.byteOffset % 8, c.name).toBe(0);
    expect(layer.numeric('position').buffer).toBe(bytes.buffer);
  });

  it('uses 16-bit codes past 256 distinct values', () => {
    const values = Array.from({ length: 300 }, (_, i) => `v${i}`);
    const layer = decodePacked(encodePacked('d', 'point', 300, [{ name: 'k', kind: 'dict', data: values }]));
    expect(layer.dict('k').codes).toBeInstanceOf(Uint16Array);
    expect(layer.strings('k')).toEqual(values);
  });

  it('rejects what is not a layer, naming the problem', () => {
    expect(() => decodePacked(new Uint8Array(16))).toThrow(/bad magic/);
    expect(() => decodePacked(new Uint8Array(3))).toThrow(PackedFormatError);
    const truncated = encode().slice(0, 40);
    expect(() => decodePacked(truncated).numeric('position')).toThrow(PackedFormatError);
    expect(() => decodePacked(encode()).numeric('missing')).toThrow(/no column missing/);
    expect(() => decodePacked(encode()).numeric('id')).toThrow(/not numeric/);
  });
});
