/**
 * The devices of the realtime bench, in their own process (devices are not on the hub's machine):
 * post `rate` events/s for `seconds` to POST /api/v1/events. Every TICK_MS it posts the events due
 * by the clock so far (so a slow hub does not lower the offered load: what it cannot take piles up
 * as latency), in posts of at most 1,000, at most 32 in flight. Each event id carries its send time
 * (`b-<n>-<sentMs>`): the screens measure latency from it. Prints JSON {sent, accepted, failedPosts, posts, postP50, postP99, cpuPct}.
 *
 * Usage: realtime-publisher.ts <url> <key> <rate> <seconds> <lon> <lat>
 */
const [url, key, rateText, secondsText, lonText, latText] = process.argv.slice(2);
const rate = Number(rateText);
const seconds = Number(secondsText);
const lon = Number(lonText);
const lat = Number(latText);
const TICK_MS = 20;

let accepted = 0;
let failedPosts = 0;
let warned = false;
/** Round trips of the posts (send → answered), ms. */
const postMs: number[] = [];

async function post(ids: string[]): Promise<void> {
  const at = new Date().toISOString();
  const t0 = performance.now();
  try {
    const res = await fetch(`${url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({
        events: ids.map((id) => ({ id, source: 'camera', type: 'stranger', at, location: { lon, lat } })),
      }),
    });
    const reply = (await res.json()) as { accepted?: number };
    postMs.push(performance.now() - t0);
    accepted += reply.accepted ?? 0;
    if (reply.accepted !== ids.length && !warned) {
      warned = true;
      process.stderr.write(
        `a post of ${ids.length} was answered ${res.status} ${JSON.stringify(reply).slice(0, 300)}\n`,
      );
    }
  } catch {
    failedPosts++; // the hub dropped the connection: those events were never accepted
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  let sent = 0;
  let k = 0;
  const t0 = Date.now();
  const inflight = new Set<Promise<void>>();
  for (let tick = 1; ; tick++) {
    const now = Date.now();
    const elapsed = Math.min(now - t0, seconds * 1000);
    let due = Math.floor((rate * elapsed) / 1000) - sent;
    while (due > 0) {
      const n = Math.min(due, 1000);
      const ids = Array.from({ length: n }, () => `b-${k++}-${now}`);
      sent += n;
      due -= n;
      const p = post(ids).finally(() => inflight.delete(p));
      inflight.add(p);
      while (inflight.size >= 32) await Promise.race(inflight);
    }
    if (elapsed >= seconds * 1000) break;
    await sleep(Math.max(0, t0 + tick * TICK_MS - Date.now()));
  }
  await Promise.all(inflight);
  postMs.sort((a, b) => a - b);
  const q = (p: number) => Math.round(postMs[Math.min(postMs.length - 1, Math.floor(p * postMs.length))] ?? NaN);
  const cpu = process.cpuUsage();
  const cpuPct = Math.round((100 * (cpu.user + cpu.system)) / 1000 / (Date.now() - t0));
  process.stdout.write(
    `${JSON.stringify({ sent, accepted, failedPosts, posts: postMs.length, postP50: q(0.5), postP99: q(0.99), cpuPct })}\n`,
  );
}

void main();
