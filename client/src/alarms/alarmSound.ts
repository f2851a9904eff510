/**
 * Alarm tones made with WebAudio (no audio files): priority 1 a fast triple high beep, 2 a double,
 * 3 a single, 4 a soft low blip. Chromium's autoplay policy keeps an AudioContext suspended until
 * the user has interacted with the page: resuming is tried, and whatever fails is swallowed — a
 * tone that cannot play must never break the popup that goes with it.
 */

/** Per priority: frequency (Hz), beeps, beep and gap length (s), volume. */
const TONES: Record<1 | 2 | 3 | 4, { hz: number; beeps: number; len: number; gap: number; gain: number }> = {
  1: { hz: 1320, beeps: 3, len: 0.16, gap: 0.08, gain: 0.35 },
  2: { hz: 990, beeps: 2, len: 0.18, gap: 0.1, gain: 0.3 },
  3: { hz: 760, beeps: 1, len: 0.22, gap: 0, gain: 0.25 },
  4: { hz: 520, beeps: 1, len: 0.15, gap: 0, gain: 0.18 },
};

let ctx: AudioContext | null = null;
let unavailable = false;

function audio(): AudioContext | null {
  if (ctx || unavailable) return ctx;
  try {
    ctx = new AudioContext();
  } catch {
    unavailable = true; // no audio device, or the API is absent
  }
  return ctx;
}

/** Plays the tone of a priority; returns false when it could not (muted by policy, no device). */
export function playAlarmTone(priority: number): boolean {
  try {
    const ac = audio();
    if (!ac) return false;
    if (ac.state === 'suspended') ac.resume().catch(() => undefined);
    const tone = TONES[priority as 1 | 2 | 3 | 4] ?? TONES[4];
    const t0 = ac.currentTime + 0.02;
    for (let i = 0; i < tone.beeps; i++) {
      const start = t0 + i * (tone.len + tone.gap);
      const osc = ac.createOscillator();
      const gain = ac.createGain();
      osc.type = priority <= 2 ? 'square' : 'sine';
      osc.frequency.value = tone.hz;
      // A short attack and release: no clicks.
      gain.gain.setValueAtTime(0, start);
      gain.gain.linearRampToValueAtTime(tone.gain, start + 0.01);
      gain.gain.setValueAtTime(tone.gain, start + tone.len - 0.03);
      gain.gain.linearRampToValueAtTime(0, start + tone.len);
      osc.connect(gain).connect(ac.destination);
      osc.start(start);
      osc.stop(start + tone.len + 0.01);
    }
    return ac.state === 'running';
  } catch {
    return false;
  }
}

/** Call from a user gesture (e.g. the mute toggle) so later tones may play. */
export function unlockAudio(): void {
  try {
    audio()
      ?.resume()
      .catch(() => undefined);
  } catch {
    /* never throws */
  }
}
