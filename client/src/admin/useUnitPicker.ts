/**
 * The user dialog's unit picker (role field): the units the admin may give an account, asked of
 * the hub each time the picker is needed (which units have an account changes as admins work), and
 * picking one, which also moves the account's scope to one that holds the unit (unitOptions.ts).
 */
import { computed, shallowRef, watch, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import type { SelectOption } from 'naive-ui';
import type { AdminUnit, UserView } from '@shared/auth';
import { useLatestRequest } from '../common/useLatestRequest';
import { useSessionStore } from '../stores/session';
import { listUnits } from './api';
import { scopeForUnit, unitOptions } from './unitOptions';
import type { UserForm } from './useUserForm';

export function useUnitPicker(form: UserForm, editing: Ref<UserView | null>, open: Ref<boolean>) {
  const i18n = useI18n();
  const t = i18n.t;
  const session = useSessionStore();
  const units = shallowRef<AdminUnit[]>([]);
  const { loading, error, run } = useLatestRequest();

  const needed = computed(() => open.value && form.role === 'field');
  watch(
    needed,
    (need) => {
      if (need) void run(listUnits, (list) => (units.value = list));
    },
    { immediate: true },
  );

  const kind = (k: string) => (i18n.te(`admin.units.kinds.${k}`) ? t(`admin.units.kinds.${k}`) : k);
  const options = computed<SelectOption[]>(() =>
    unitOptions(
      units.value,
      editing.value?.unit?.id ?? null,
      (u, taken) =>
        `${u.callsign} · ${kind(u.kind)} · ${u.homeRegionCode}${taken ? ` (${t('admin.units.taken')})` : ''}`,
    ),
  );

  function pick(id: string | null): void {
    form.unitId = id;
    const unit = units.value.find((u) => u.id === id);
    const adminScope = session.user?.scope;
    if (unit && adminScope) form.scope = scopeForUnit(unit.homeRegionCode, form.scope, adminScope);
  }

  return { options, loading, error, pick };
}
