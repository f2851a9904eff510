/**
 * Services made once the database is ready, reached by what exists from the first second (routes,
 * so /readyz answers during seeding; the route registry's audit): each property reads its service
 * when it is used, and one used before it exists is an error that names it. Values that exist from
 * the start (limits, metrics) sit beside them, so every route takes what it names from one object.
 */
export type LateBound<M extends Record<string, () => unknown>> = { readonly [K in keyof M]: NonNullable<ReturnType<M[K]>> };

export function lateBound<M extends Record<string, () => unknown>, E extends object = object>(services: M, eager?: E): LateBound<M> & E {
  const out = { ...eager } as LateBound<M> & E;
  for (const [name, get] of Object.entries(services)) {
    Object.defineProperty(out, name, {
      enumerable: true,
      get() {
        const service = get();
        if (service === undefined || service === null) throw new Error(`${name} used before ready`);
        return service;
      },
    });
  }
  return out;
}
