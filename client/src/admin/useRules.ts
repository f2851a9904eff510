/**
 * The rules tab's state: the rules from the hub, and saving one (create or replace, `PUT
 * /rules/:id`, audited by the hub). A save the hub refuses with 400 comes back as the fields it
 * names, for the dialog to show on them; any other failure is said once and keeps the dialog open.
 */
import { useI18n } from 'vue-i18n';
import { useMessage } from 'naive-ui';
import type { Rule } from '@shared/rules';
import { ApiError } from '../api/http';
import { useErrorText } from '../common/useErrorText';
import { listRules, putRule } from './api';
import { serverFieldErrors, type FieldErrors } from './rule-form';
import { useAdminList } from './useAdminList';

export type SaveOutcome = { ok: true } | { ok: false; errors: FieldErrors };

export function useRules() {
  const { t } = useI18n();
  const message = useMessage();
  const errorText = useErrorText();
  const { items: rules, loading, error, reload } = useAdminList(listRules);

  async function save(rule: Rule, isNew: boolean): Promise<SaveOutcome> {
    try {
      await putRule(rule);
      message.success(t(isNew ? 'rules.created' : 'rules.saved', { name: rule.name }));
      await reload();
      return { ok: true };
    } catch (e) {
      if (e instanceof ApiError && e.status === 400)
        return { ok: false, errors: serverFieldErrors(e.message, e.details) };
      message.error(errorText(e));
      return { ok: false, errors: {} };
    }
  }

  return { rules, loading, error, reload, save };
}
