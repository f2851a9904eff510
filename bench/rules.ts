/**
 * The benches' rules: flood control (issue 15) folds repeats of a rule in one zone into the open
 * alarm, which is right for a shift and wrong for a throughput bench that posts every event to the
 * same few points and follows each one's alarm to the screens. A bench turns folding off for the
 * rules it drives, through the admin API as an admin would.
 */
import { CSRF_HEADER } from '@shared/auth';

export async function unfoldRules(url: string, password: string, ruleIds: readonly string[]): Promise<void> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  if (!login.ok) throw new Error(`admin sign-in for the rules: ${login.status} ${await login.text()}`);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const headers = {
    cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]!,
    'content-type': 'application/json',
    [CSRF_HEADER]: csrfToken,
  };
  const { rules } = (await (await fetch(`${url}/api/v1/rules`, { headers })).json()) as { rules: { id: string }[] };
  for (const id of ruleIds) {
    const rule = rules.find((r) => r.id === id);
    if (!rule) throw new Error(`no rule ${id}`);
    const res = await fetch(`${url}/api/v1/rules/${id}`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ ...rule, foldMinutes: 0 }),
    });
    if (!res.ok) throw new Error(`rule ${id}: ${res.status} ${await res.text()}`);
  }
}
