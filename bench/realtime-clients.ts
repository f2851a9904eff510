/**
 * Screens of the realtime bench, in a process of their own (on a real wall every screen has its
 * own CPU; here the bench splits its screens over a few processes): N Socket.IO clients (or raw
 * ws clients) that count the alarms they receive and record the latency of each from the send
 * time the publisher wrote into the event id (`b-<n>-<sentMs>`). "Received" means what a screen's
 * socket delivered (socket.io-client has parsed the batch); decoding into views and drawing are
 * the page's work, measured by the map benchmark. Reports JSON on stdout when told "report" (and
 * closes), the alarms received so far when told "count".
 *
 * Each batch says the rev range it is complete over, (from, rev] (issue 13): a screen counts a hole
 * when a batch starts above its cursor (changes were skipped, which on several hubs would mean
 * another hub's commits went missing) and an alarm pushed twice when one arrives at or below its
 * cursor. The desk would repair a hole with `alarm:sync`; the bench only counts them.
 */
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import type { AlarmBatchWire } from '@shared/alarm-wire';

const [mode, url, countText, cookie = ''] = process.argv.slice(2);
const n = Number(countText);
let received = 0;
let batches = 0;
let holes = 0;
let doubled = 0;
const latencies: number[] = [];
/** Latencies of every client would be the same figures many times over: sample a tenth of them. */
const SAMPLE_EVERY = 10;

function seen(ids: readonly string[], sample: boolean): void {
  received += ids.length;
  if (!sample) return;
  const now = Date.now();
  for (const id of ids) latencies.push(now - Number(id.slice(id.lastIndexOf('-') + 1)));
}

let connected = 0;
const closers: (() => void)[] = [];
for (let i = 0; i < n; i++) {
  const sample = i % SAMPLE_EVERY === 0;
  if (mode === 'ws') {
    const ws = new WebSocket(url!);
    ws.on('open', () => ++connected === n && process.stdout.write('ready\n'));
    ws.on('message', (data: Buffer) => seen([data.toString()], sample));
    closers.push(() => ws.close());
  } else {
    const s = io(url, { transports: ['websocket'], forceNew: true, extraHeaders: { cookie } });
    s.on('connect', () => ++connected === n && process.stdout.write('ready\n'));
    let cursor: number | null = null;
    s.on('alarm:batch', (b: AlarmBatchWire) => {
      seen(b.alarms.eventId, sample);
      batches++;
      if (cursor !== null) {
        if (b.from > cursor) holes++;
        for (const rev of b.alarms.rev) if (rev <= cursor) doubled++;
      }
      cursor = Math.max(cursor ?? 0, b.rev);
    });
    closers.push(() => s.disconnect());
  }
}

process.stdin.on('data', (d) => {
  // "count": how many so far, the screens stay (a bench waits for stragglers before its report).
  if (d.toString().includes('count')) process.stdout.write(`count ${received}\n`);
  if (!d.toString().includes('report')) return;
  const cpu = process.cpuUsage();
  // Exit once the report is written: a big report (hundreds of KB of latencies) outgrows the pipe's
  // buffer, and a parent slow to read it (a loaded machine) would otherwise get it cut short.
  process.stdout.write(
    `${JSON.stringify({ received, batches, holes, doubled, latencies, cpuMs: Math.round((cpu.user + cpu.system) / 1000), wallMs: Math.round(performance.now()) })}\n`,
    () => {
      for (const c of closers) c();
      setTimeout(() => process.exit(0), 200);
    },
  );
});
