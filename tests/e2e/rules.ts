/**
 * The e2e hub's alarm rules, set through the admin API. Flood control (issue 15) folds repeats of
 * a rule in one zone or from one device into the open alarm; specs that follow one alarm per event
 * (posted to the same few fences and buttons as earlier specs, minutes apart on one hub) turn it
 * off for the rules they use, the way an admin would.
 */
import { expect } from '@playwright/test';
import { apiLogin } from './login';

export async function setFoldMinutes(baseURL: string, ruleIds: readonly string[], minutes: number): Promise<void> {
  const { api, csrf } = await apiLogin(baseURL, 'admin');
  try {
    const { rules } = (await (await api.get('/api/v1/rules')).json()) as { rules: { id: string }[] };
    for (const id of ruleIds) {
      const rule = rules.find((r) => r.id === id);
      expect(rule, `rule ${id}`).toBeDefined();
      const res = await api.put(`/api/v1/rules/${id}`, { headers: csrf, data: { ...rule, foldMinutes: minutes } });
      expect(res.status(), await res.text()).toBe(200);
    }
  } finally {
    await api.dispose();
  }
}
