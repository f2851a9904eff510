/**
 * The web-platform globals shared/ may use: present in Node, in browsers and in workers alike
 * (WHATWG Encoding). Everything else of the DOM or of Node is out of reach here on purpose.
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
