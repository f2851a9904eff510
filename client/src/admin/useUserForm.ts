/**
 * The user dialog's form: every field for a new user; for an existing one, only what changed is
 * sent. Checked with the shared schemas before the hub sees it.
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
}

export function useUserForm(editing: Ref<UserView | null>, defaultScope: Ref<string>) {
  const form = reactive<UserForm>({ username: '', displayName: '', role: 'dispatcher', scope: '', password: '' });

  function fill(): void {
    const u = editing.value;
    Object.assign(
      form,
      u
        ? { username: u.username, displayName: u.displayName, role: u.role, scope: u.scope, password: '' }
        : { username: '', displayName: '', role: 'dispatcher', scope: defaultScope.value, password: '' },
    );
  }
  watch(editing, fill, { immediate: true });

  /** The body to send, or the first problem (zod's message, field-prefixed). */
  const parsed = computed((): { ok: true; body: CreateUserBody | UpdateUserBody } | { ok: false; problem: string } => {
    const u = editing.value;
    if (!u) {
      const r = createUserBody.safeParse({ ...form });
      return r.success
        ? { ok: true, body: r.data }
        : { ok: false, problem: `${String(r.error.issues[0]?.path[0] ?? '')}: ${r.error.issues[0]?.message ?? ''}` };
    }
    const patch: Record<string, unknown> = {};
    if (form.displayName.trim() !== u.displayName) patch.displayName = form.displayName;
    if (form.role !== u.role) patch.role = form.role;
    if (form.scope !== u.scope) patch.scope = form.scope;
    const r = updateUserBody.safeParse(patch);
    return r.success
      ? { ok: true, body: r.data }
      : { ok: false, problem: `${String(r.error.issues[0]?.path[0] ?? '')}: ${r.error.issues[0]?.message ?? ''}` };
  });

  return { form, parsed, fill };
}
