/**
 * Major events (issue 17): each open event's perimeter (amber, a light fill), its buffer ring
 * (dashed), and its posts and checkpoints coloured by their units' state (all available: green;
 * some busy or away: orange; none available or none assigned: grey), named from street zoom in.
 * The caller gives the events and each post's state; the layer reads no store.
 */
import { computed, markRaw, onBeforeUnmount, toValue, watchEffect, type MaybeRefOrGetter } from 'vue';
import { PathLayer, ScatterplotLayer, SolidPolygonLayer, TextLayer } from '@deck.gl/layers';
import { PathStyleExtension } from '@deck.gl/extensions';
import type { Layer } from '@deck.gl/core';
import { useMapContext, type Place } from '../mapContext';
import { EVENT_PERIMETER_FILL, EVENT_PERIMETER_LINE, EVENT_RING_LINE, POST_STATE_COLOR } from '../palette';

export type PostState = keyof typeof POST_STATE_COLOR;

export interface EventShape {
  id: string;
  perimeter: readonly (readonly (readonly [number, number])[])[];
  bufferRing: readonly (readonly (readonly [number, number])[])[];
  posts: readonly {
    name: string;
    kind: 'post' | 'checkpoint';
    position: readonly [number, number];
    state: PostState;
  }[];
}

export interface EventLayerInput {
  events: MaybeRefOrGetter<readonly EventShape[]>;
  visible: MaybeRefOrGetter<boolean>;
  place: Place;
}

/** Names show from this zoom in (a city-wide picture keeps only the shapes and dots). */
export const POST_LABEL_ZOOM = 13;

interface PostDot {
  position: [number, number];
  name: string;
  checkpoint: boolean;
  color: readonly number[];
}

export function useEventLayer(input: EventLayerInput): { drawnPosts: () => number } {
  const ctx = useMapContext();
  const drawn = computed(() => {
    const events = toValue(input.events);
    const ring = (r: readonly (readonly [number, number])[]) => r.map((p) => input.place(p));
    const perimeters = events.map((e) => ({ id: e.id, polygon: e.perimeter.map(ring) }));
    const paths = events.flatMap((e) => e.perimeter.map((r) => ({ path: ring(r) })));
    const rings = events.flatMap((e) => e.bufferRing.map((r) => ({ path: ring(r) })));
    const posts: PostDot[] = events.flatMap((e) =>
      e.posts.map((p) => ({
        position: input.place(p.position),
        name: p.name,
        checkpoint: p.kind === 'checkpoint',
        color: POST_STATE_COLOR[p.state],
      })),
    );
    return markRaw({ perimeters, paths, rings, posts });
  });

  watchEffect(() => {
    const d = drawn.value;
    if (!toValue(input.visible) || d.perimeters.length === 0) {
      ctx.setLayers('events', []);
      return;
    }
    const labels = ctx.zoom.value >= POST_LABEL_ZOOM;
    const layers: Layer[] = [
      new SolidPolygonLayer({
        id: 'event-fill',
        data: d.perimeters,
        getPolygon: (e: (typeof d.perimeters)[number]) => e.polygon,
        getFillColor: EVENT_PERIMETER_FILL,
      }),
      new PathLayer({
        id: 'event-ring',
        data: d.rings,
        getPath: (p: { path: [number, number][] }) => p.path,
        getColor: EVENT_RING_LINE,
        getWidth: 2,
        widthUnits: 'pixels',
        getDashArray: [6, 4],
        dashJustified: true,
        extensions: [new PathStyleExtension({ dash: true })],
      }),
      new PathLayer({
        id: 'event-perimeter',
        data: d.paths,
        getPath: (p: { path: [number, number][] }) => p.path,
        getColor: EVENT_PERIMETER_LINE,
        getWidth: 3,
        widthUnits: 'pixels',
      }),
      new ScatterplotLayer<PostDot>({
        id: 'event-posts',
        data: d.posts,
        getPosition: (p) => p.position,
        getRadius: (p) => (p.checkpoint ? 9 : 7),
        radiusUnits: 'pixels',
        getFillColor: (p) => p.color as [number, number, number, number],
        getLineColor: [255, 255, 255, 255],
        lineWidthUnits: 'pixels',
        getLineWidth: (p) => (p.checkpoint ? 3 : 2),
        stroked: true,
      }),
    ];
    if (labels)
      layers.push(
        new TextLayer<PostDot>({
          id: 'event-post-names',
          data: d.posts,
          getPosition: (p) => p.position,
          getText: (p) => p.name,
          characterSet: 'auto',
          getSize: 13,
          getColor: [255, 255, 255, 255],
          outlineWidth: 2,
          outlineColor: [0, 0, 0, 200],
          fontSettings: { sdf: true },
          getPixelOffset: [0, -16],
          getTextAnchor: 'middle',
          getAlignmentBaseline: 'bottom',
        }),
      );
    ctx.setLayers('events', layers);
  });
  onBeforeUnmount(() => ctx.setLayers('events', []));
  return { drawnPosts: () => drawn.value.posts.length };
}
