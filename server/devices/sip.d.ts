/**
 * Types for the parts of `sip` (kirm's Node SIP stack, CommonJS, untyped) that the GB/T 28181 endpoint
 * uses: its message parser and serializer, `makeResponse` and `parseUri`. Decided: only what
 * server/devices/sip-server.ts calls is declared, and headers the stack does not parse stay `unknown`.
 * The stack works on strings; we hand it latin1 ('binary') text so every byte maps to one char.
 */
declare module 'sip' {
  export interface SipUri {
    schema: string;
    user?: string;
    password?: string;
    host: string;
    /** NaN when the URI has none. */
    port: number;
    params: Record<string, string | null>;
    headers: Record<string, string>;
  }

  /** A name-addr header (From, To, Contact): the URI is left as text. */
  export interface SipAor {
    name?: string;
    uri: string;
    params: Record<string, string | null>;
  }

  export interface SipVia {
    version: string;
    protocol: string;
    host: string;
    port?: number;
    /** A flag parameter (`;rport`) has the value null. */
    params: Record<string, string | null>;
  }

  export interface SipHeaders {
    via?: SipVia[];
    from?: SipAor;
    to?: SipAor;
    'call-id'?: string;
    cseq?: { seq: number; method: string };
    contact?: SipAor[] | '*';
    /** NaN when the header is not a number. */
    'content-length'?: number;
    /** Any other header: its raw text (repeats joined by commas), or what `stringify` should write. */
    [name: string]: unknown;
  }

  export interface SipMessage {
    /** Requests. */
    method?: string;
    uri?: string;
    /** Responses. */
    status?: number;
    reason?: string;
    version: string;
    headers: SipHeaders;
    /** The body, as the string the message was parsed from (latin1 here: one char per byte). */
    content?: string;
  }

  /** A whole message (start line, headers, body); undefined when it is not SIP. May throw on odd input. */
  export function parse(s: string): SipMessage | undefined;
  /** The message as text; sets Content-Length from `content`'s length. */
  export function stringify(m: SipMessage): string;
  /** A response to `rq` with its Via, To, From, Call-ID and CSeq (the same objects, not copies). */
  export function makeResponse(
    rq: SipMessage,
    status: number,
    reason?: string,
    extension?: { headers?: Record<string, unknown>; content?: string },
  ): SipMessage;
  export function parseUri(s: string | SipUri): SipUri | undefined;

  const sip: {
    parse: typeof parse;
    stringify: typeof stringify;
    makeResponse: typeof makeResponse;
    parseUri: typeof parseUri;
  };
  export default sip;
}
