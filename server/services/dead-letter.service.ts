/**
 * Dead letters (issue 13): a message the hub could never store (not JSON, not events, the wrong
 * source, text PostgreSQL cannot store, a data error when storing) is acknowledged to its broker
 * and set aside here with its bytes, so it is never redelivered for ever and the messages behind
 * it flow. Admins of the whole city read them (GET /admin/dead-letters): device payloads of every
 * region, like the audit log.
 */
import type { Logger } from 'pino';
import type { DeadLetterRepository } from '../repositories/dead-letter.repository';
import type { AuthContext } from '../auth/context';
import type { Clock } from '../core/clock';
import { authorize } from '../auth/policy';
import { HttpError } from '../core/http-errors';
import { ErrorCode } from '@shared/errors';
import { scopePrefix } from '@shared/auth';
import { printable } from '@shared/text';
import type { DeviceKind } from '@shared/devices';
import {
  bytesAsText,
  DEAD_LETTER_BASE64_BYTES,
  DEAD_LETTER_TEXT_CHARS,
  type DeadLetterPage,
  type DeadLetterQuery,
} from '@shared/dead-letters';

/** The most bytes of one payload kept (an MQTT message may be far larger than anything useful to read). */
export const MAX_DEAD_LETTER_BYTES = 1024 * 1024;
/** The most characters of the reason kept. */
const MAX_ERROR_CHARS = 2000;

export interface DeadLetterInput {
  /** Where it came in: MQTT, or a device protocol (issue 18: isapi, dahua, gb28181). */
  channel: 'mqtt' | DeviceKind;
  topic: string;
  payload: Buffer;
  error: string;
}

export class DeadLetterService {
  constructor(
    private readonly repo: Pick<DeadLetterRepository, 'insert' | 'page' | 'count'>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * Set a message aside. The topic and the reason are made storable (a topic or a field name may
   * hold the very text that was refused); the payload is bytes and kept as received, up to 1 MiB.
   * Throws only when the database fails (the caller then must not acknowledge the message).
   */
  async record(d: DeadLetterInput): Promise<number> {
    const cut = d.payload.length > MAX_DEAD_LETTER_BYTES;
    const error =
      printable(d.error).slice(0, MAX_ERROR_CHARS) +
      (cut ? ` (payload cut to ${MAX_DEAD_LETTER_BYTES} of ${d.payload.length} bytes)` : '');
    const id = await this.repo.insert({
      channel: d.channel,
      topic: printable(d.topic).slice(0, 512),
      payload: cut ? d.payload.subarray(0, MAX_DEAD_LETTER_BYTES) : d.payload,
      error,
      receivedAt: new Date(this.clock.now()),
    });
    // One line per dead letter, at warn, never the payload (it may carry anything a device sent).
    this.log.warn(
      { deadLetter: id, channel: d.channel, topic: printable(d.topic), bytes: d.payload.length, error },
      'message set aside as a dead letter',
    );
    return id;
  }

  /** Newest first, a page at a time (keyset on id), with the total held. */
  async list(ctx: AuthContext, q: DeadLetterQuery): Promise<DeadLetterPage> {
    authorize(ctx.principal, 'admin:manage');
    if (scopePrefix(ctx.principal.scope).length > 4) {
      throw new HttpError(
        403,
        ErrorCode.AuthForbidden,
        `dead letters come from devices of the whole city; scope ${ctx.principal.scope} is narrower`,
      );
    }
    const headBytes = Math.max(DEAD_LETTER_BASE64_BYTES, DEAD_LETTER_TEXT_CHARS * 4);
    const [rows, total] = await Promise.all([this.repo.page(q.before, q.limit, headBytes), this.repo.count()]);
    const items = rows.map((r) => {
      const shown = bytesAsText(r.head, DEAD_LETTER_TEXT_CHARS);
      const b64 = r.head.subarray(0, DEAD_LETTER_BASE64_BYTES);
      return {
        id: r.id,
        channel: r.channel,
        topic: r.topic,
        error: r.error,
        receivedAt: r.receivedAt.toISOString(),
        bytes: r.bytes,
        text: shown.text,
        base64: b64.toString('base64'),
        truncated: shown.truncated || r.bytes > b64.length,
      };
    });
    const last = rows[rows.length - 1];
    return { items, total, nextBefore: rows.length === q.limit && last ? last.id : null };
  }
}
