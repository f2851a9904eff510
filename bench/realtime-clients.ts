/**
 * The screens of the realtime bench, in their own process (as on a real wall, the hub does not
 * share a CPU budget with its clients' parsing): N Socket.IO clients (or raw ws clients) that count
 * the alarms they receive and record the latency of each from the event's send time, which the
 * publisher writes into the event id (`b-<n>-<sentMs>`). Reports JSON on stdout when told "report".
 */
import { io } from 'socket.io-client';
import WebSocket from 'ws';

const [mode, url, countText, cookie = ''] = process.argv.slice(2);
const n = Number(countText);
let received = 0;
const latencies: number[] = [];
/** Latencies of every client would be 200× the same figures: sample a tenth of the clients. */
const SAMPLE_EVERY = 10;

function seen(ids: string[], sample: boolean): void {
  const now = Date.now();
  received += ids.length;
  if (!sample) return;
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
    s.on('alarm:batch', (b: { alarms: { event: { id: string } }[] }) => seen(b.alarms.map((a) => a.event.id), sample));
    closers.push(() => s.disconnect());
  }
}

process.stdin.on('data', (d) => {
  if (!d.toString().includes('report')) return;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  process.stdout.write(`${JSON.stringify({ received, samples: latencies.length, p50: q(0.5), p99: q(0.99), max: latencies[latencies.length - 1] ?? NaN })}\n`);
  for (const c of closers) c();
  setTimeout(() => process.exit(0), 200);
});
