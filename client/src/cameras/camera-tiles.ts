/**
 * The tiles of the cameras a screen plays (pure: `useCameraTiles` feeds it the layer and the live
 * statuses). A camera's status is its live one (issue 18: pushed by the hub, newer than the
 * layer's) where one was pushed, else the static cameras layer's, as on the map.
 */

export interface CameraTile {
  id: string;
  name: string;
  offline: boolean;
  streamUrl: string | null;
}

/** The cameras layer's columns a tile needs, with its id → row index. */
export interface CameraTileColumns {
  rows: ReadonlyMap<string, number>;
  names: readonly string[];
  /** The layer's own statuses (as of its build). */
  status: readonly string[];
  urls: readonly string[];
}

/** A camera's status as shown: the live one where the hub pushed one, else the layer's. */
export function shownCameraStatus(live: string | undefined, layer: string | undefined): string | undefined {
  return live ?? layer;
}

/** The tiles for `ids`, in that order; ids the layer does not hold are left out. */
export function cameraTiles(
  ids: readonly string[],
  cols: CameraTileColumns,
  liveStatusOf: (id: string) => string | undefined,
): CameraTile[] {
  return ids.flatMap((id) => {
    const i = cols.rows.get(id);
    if (i === undefined) return [];
    return [
      {
        id,
        name: cols.names[i] ?? id,
        offline: shownCameraStatus(liveStatusOf(id), cols.status[i]) === 'offline',
        streamUrl: cols.urls[i] || null,
      },
    ];
  });
}

/** Whether two tile lists show the same (so a screen need not be handed a new one). */
export function sameTiles(a: readonly CameraTile[], b: readonly CameraTile[]): boolean {
  return (
    a.length === b.length &&
    a.every((t, i) => {
      const u = b[i]!;
      return t.id === u.id && t.name === u.name && t.offline === u.offline && t.streamUrl === u.streamUrl;
    })
  );
}
