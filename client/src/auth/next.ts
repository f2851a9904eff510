/**
 * Where to go after signing in: the `next` the sign-in page was given, only when it is a path on
 * this origin ('/desk?camera=…'), never another site ('//evil.example', '/\\evil', 'https://…').
 */
export function safeNext(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || !next.startsWith('/')) return fallback;
  // '//host' and '/\host' are protocol-relative URLs to another host in browsers.
  if (next.startsWith('//') || next.startsWith('/\\')) return fallback;
  try {
    const u = new URL(next, 'http://same.origin');
    if (u.origin !== 'http://same.origin') return fallback;
    if (u.pathname === '/login') return fallback;
    return u.pathname + u.search + u.hash;
  } catch {
    return fallback;
  }
}
