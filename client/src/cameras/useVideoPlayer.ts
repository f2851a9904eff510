/**
 * Plays one stream URL in one <video>: picks the engine (stream-players.ts), plays muted (browsers
 * allow muted autoplay only), loops VOD clips so a demo clip looks live, and never leaves a spinner
 * hanging: nothing playing within `startTimeoutMs`, or a stall as long once playing, is an error.
 *
 * Everything is torn down when the URL or the element changes and when the owning component
 * unmounts (the watcher's cleanup): the library instance, its MediaSource, the element's src and
 * the timers. Switching cameras quickly never leaves an old player loading behind the new one.
 */
import { computed, readonly, ref, shallowRef, toValue, watch, type MaybeRefOrGetter, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { attachStream, NoPlayerError, type PlayerEngine, type PlayerHandle } from './stream-players';
import { isUnsupported, type StreamError } from './stream-errors';
import { streamErrorMessage } from './stream-messages';

export type VideoPlayerState = 'idle' | 'loading' | 'playing' | 'error' | 'unsupported';

export interface VideoPlayerOptions {
  /** Longest wait from attaching the stream to the first advancing frame. */
  startTimeoutMs?: number;
  /** Longest time playback may stand still (not paused) before it counts as failed. */
  stallTimeoutMs?: number;
  /** Restart a finished (VOD) stream from the beginning. */
  loop?: boolean;
}

const WATCHDOG_TICK_MS = 500;

export function useVideoPlayer(
  videoEl: Readonly<Ref<HTMLVideoElement | null | undefined>>,
  url: MaybeRefOrGetter<string | null | undefined>,
  options: VideoPlayerOptions = {},
) {
  const { startTimeoutMs = 10_000, stallTimeoutMs = 10_000, loop = true } = options;
  const { t } = useI18n();
  const state = ref<VideoPlayerState>('idle');
  const error = shallowRef<StreamError | null>(null);
  const engine = ref<PlayerEngine | null>(null);
  /** Bumped by retry(): the watcher below re-runs with the same URL. */
  const attempt = ref(0);

  watch(
    [() => videoEl.value, () => toValue(url), attempt] as const,
    ([video, src], _old, onCleanup) => {
      error.value = null;
      engine.value = null;
      if (!video || !src) {
        state.value = 'idle';
        return;
      }
      state.value = 'loading';
      let disposed = false;
      let handle: PlayerHandle | null = null;
      let lastTime = -1;
      let lastProgressAt = performance.now();
      let played = false;

      const teardown = () => {
        clearInterval(watchdog);
        for (const [name, fn] of listeners) video.removeEventListener(name, fn);
        handle?.destroy();
        handle = null;
        // Release the decoder and the connection now, not when the element is garbage-collected.
        video.pause();
        video.removeAttribute('src');
        video.load();
      };
      const fail = (e: StreamError) => {
        if (disposed) return;
        disposed = true;
        error.value = e;
        state.value = isUnsupported(e) ? 'unsupported' : 'error';
        teardown();
      };

      const onProgress = () => {
        const t = video.currentTime;
        if (t !== lastTime) {
          lastTime = t;
          lastProgressAt = performance.now();
          if (t > 0 && !video.paused) {
            played = true;
            state.value = 'playing';
          }
        }
      };
      const listeners: [string, () => void][] = [
        ['timeupdate', onProgress],
        ['playing', onProgress],
        [
          'waiting',
          () => {
            if (!disposed && played) state.value = 'loading';
          },
        ],
        // loop=true restarts most streams by itself; hls.js / mpegts.js may still end a VOD stream.
        [
          'ended',
          () => {
            if (!loop || disposed) return;
            video.currentTime = 0;
            video.play().catch(() => undefined);
          },
        ],
        // hls.js and mpegts.js report their own (better) errors first; this catches the rest.
        [
          'error',
          () => {
            if (handle && handle.engine !== 'native') {
              fail({ code: 'media', detail: `MediaError ${video.error?.code ?? '?'}: ${video.error?.message ?? ''}` });
            }
          },
        ],
      ];
      for (const [name, fn] of listeners) video.addEventListener(name, fn);

      video.muted = true;
      video.defaultMuted = true;
      video.playsInline = true;
      video.loop = loop;

      const watchdog = setInterval(() => {
        // Before the first frame the clock runs whatever the element says (a hung import or
        // manifest leaves it paused); afterwards only while it is meant to play.
        if (disposed || (played && video.paused)) return;
        const limit = played ? stallTimeoutMs : startTimeoutMs;
        if (performance.now() - lastProgressAt > limit) {
          fail({
            code: 'timeout',
            timeoutMs: limit,
            detail: played ? `stalled for ${limit} ms` : `nothing played within ${limit} ms`,
          });
        }
      }, WATCHDOG_TICK_MS);

      attachStream(video, src, { onError: fail })
        .then((h) => {
          if (disposed) {
            h.destroy();
            return;
          }
          handle = h;
          engine.value = h.engine;
          lastProgressAt = performance.now();
          video.play().catch((e: unknown) => {
            // AbortError: the source changed under play() (teardown); not a failure.
            if (e instanceof DOMException && e.name === 'NotAllowedError')
              fail({ code: 'autoplay', detail: e.message });
          });
        })
        .catch((e: unknown) => {
          fail(
            e instanceof NoPlayerError
              ? e.streamError
              : { code: 'media', detail: e instanceof Error ? e.message : String(e) },
          );
        });

      onCleanup(() => {
        if (disposed) return;
        disposed = true;
        teardown();
      });
    },
    { immediate: true, flush: 'post' },
  );

  const errorMessage = computed(() => (error.value ? streamErrorMessage(t, error.value, toValue(url) ?? '') : null));

  return {
    state: readonly(state),
    error: readonly(error),
    errorMessage,
    engine: readonly(engine),
    /** Try the same URL again (after an error, or to start playback by a click). */
    retry: () => {
      attempt.value++;
    },
  };
}
