/**
 * The user dialog's form: every field for a new user; for an existing one, only what changed is
 * sent. Checked with the shared schemas before the hub sees it. A field account's unit goes only
 * with role field (the hub unlinks it when the role changes away).
 */
import { computed, reactive, watch, type Ref } from 'vue';
import {
  createUserBody,
  updateUserBody,
  type CreateUserBody,
  type Role,
  type UpdateUserBody,
  type UserView,
} from '@shared/auth';

export interface UserForm {
  username: string;
  displayName: string;
  role: Role;
  scope: string;
  password: string;
  /** Role field: the unit whose phone the account is. */
  unitId: string | null;
}

export function useUserForm(editing: Ref<UserView | null>, defaultScope: Ref<string>) {
  const form = reactive<UserForm>({
    username: '',
    displayName: '',
    role: 'dispatcher',
    scope: '',
    password: '',
    unitId: null,
  });

  function fill(): void {
    const u = editing.value;
    Object.assign(
      form,
      u
        ? {
            username: u.username,
            displayName: u.displayName,
            role: u.role,
            scope: u.scope,
            password: '',
            unitId: u.unit?.id ?? null,
          }
        : { username: '', displayName: '', role: 'dispatcher', scope: defaultScope.value, password: '', unitId: null },
    );
  }
  watch(editing, fill, { immediate: true });

  /** The body to send, or the first problem (zod's message, field-prefixed). */
  const parsed = computed((): { ok: true; body: CreateUserBody | UpdateUserBody } | { ok: false; problem: string } => {
    const u = editing.value;
    if (!u) {
      const { unitId, ...rest } = form;
      const r = createUserBody.safeParse({ ...rest, ...(form.role === 'field' && unitId ? { unitId } : {}) });
      return r.success
        ? { ok: true, body: r.data }
        : { ok: false, problem: `${String(r.error.issues[0]?.path[0] ?? '')}: ${r.error.issues[0]?.message ?? ''}` };
    }
    // Made a field account now: it needs its unit (the hub would refuse the change without one).
    if (form.role === 'field' && !form.unitId)
      return { ok: false, problem: 'unitId: a field account needs the unit whose phone it is' };
    const patch: Record<string, unknown> = {};
    if (form.displayName.trim() !== u.displayName) patch.displayName = form.displayName;
    if (form.role !== u.role) patch.role = form.role;
    if (form.scope !== u.scope) patch.scope = form.scope;
    if (form.role === 'field' && form.unitId && form.unitId !== u.unit?.id) patch.unitId = form.unitId;
    const r = updateUserBody.safeParse(patch);
    return r.success
      ? { ok: true, body: r.data }
      : { ok: false, problem: `${String(r.error.issues[0]?.path[0] ?? '')}: ${r.error.issues[0]?.message ?? ''}` };
  });

  return { form, parsed, fill };
}
