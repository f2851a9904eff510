/**
 * The rule dialog's form: the draft (rule-form.ts), checked by the shared ruleSchema as it is
 * typed, a new rule's id checked against the rules there are (a PUT would replace that rule), and
 * the hub's refusal put on the fields it names until they are edited. Problems show once a save
 * was tried, each in the words of its field.
 */
import { computed, reactive, ref, shallowRef, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { EXPIRE_MINUTES_MAX, EXPIRE_MINUTES_MIN, FOLD_MINUTES_MAX, type Rule } from '@shared/rules';
import { checkDraft, draftOf, ruleOf, type FieldErrors, type RuleDraft, type RuleField } from './rule-form';

export function useRuleForm(editing: Ref<Rule | null>, existing: Ref<readonly Rule[]>) {
  const { t } = useI18n();
  const draft = reactive<RuleDraft>(draftOf(null));
  /** A save was tried: problems show from now on. */
  const touched = ref(false);
  /** The hub's refusal, and what each field held when it was sent. */
  const refused = shallowRef<{ errors: FieldErrors; sent: Record<string, string> }>({ errors: {}, sent: {} });
  /** A field's value as sent (JSON: a select may hand back an equal copy of an array). */
  const valueOf = (f: RuleField, rule = ruleOf(draft)): string =>
    JSON.stringify(f === 'general' ? rule : (rule[f] ?? null));

  function fill(): void {
    Object.assign(draft, draftOf(editing.value));
    touched.value = false;
    refused.value = { errors: {}, sent: {} };
  }

  const checked = computed(() => checkDraft(draft));
  const taken = computed(() => (editing.value ? undefined : existing.value.find((r) => r.id === draft.id.trim())));

  const hint = (f: RuleField): string =>
    t(`rules.invalid.${f}`, {
      max: f === 'foldMinutes' ? FOLD_MINUTES_MAX : EXPIRE_MINUTES_MAX,
      min: EXPIRE_MINUTES_MIN,
    });

  /** Each field's problem, in its words (after a save was tried). */
  const errors = computed<FieldErrors>(() => {
    if (!touched.value) return {};
    const out: FieldErrors = {};
    const c = checked.value;
    if (!c.ok) for (const f of Object.keys(c.errors) as RuleField[]) out[f] = hint(f);
    if (taken.value) out.id = t('rules.invalid.idTaken', { name: taken.value.name });
    // The hub's word on a field holds until that field is changed (the next save asks again).
    const rule = ruleOf(draft);
    for (const [f, message] of Object.entries(refused.value.errors) as [RuleField, string][])
      if (valueOf(f, rule) === refused.value.sent[f]) out[f] ??= t('rules.invalid.server', { hint: hint(f), message });
    return out;
  });

  /** The rule to send, or null (and the problems shown). */
  function attempt(): Rule | null {
    touched.value = true;
    const c = checked.value;
    return c.ok && !taken.value ? c.rule : null;
  }

  return {
    draft,
    errors,
    fill,
    attempt,
    /** The hub refused the save: its problems, by field. */
    refuse: (e: FieldErrors): void => {
      const rule = ruleOf(draft);
      const sent: Record<string, string> = {};
      for (const f of Object.keys(e) as RuleField[]) sent[f] = valueOf(f, rule);
      refused.value = { errors: e, sent };
    },
  };
}
