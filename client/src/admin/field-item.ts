/**
 * The props of an admin dialog's form item (NFormItem) for one field: its problem when it has one
 * (shown as an error), else its hint; and its test id, `<testid>-field-<field>`.
 */
export function fieldItem<F extends string>(errors: { readonly value: Partial<Record<F, string>> }, testid: string) {
  return (f: F, hint?: string) => ({
    validationStatus: errors.value[f] ? ('error' as const) : undefined,
    feedback: errors.value[f] ?? hint,
    'data-testid': `${testid}-field-${f}`,
  });
}
