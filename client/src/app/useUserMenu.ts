/** The header's user menu: who is signed in (name, role, scope) and what they can do from there. */
import { computed, ref, type HTMLAttributes } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRouter } from 'vue-router';
import type { DropdownOption } from 'naive-ui';
import { useMessage } from 'naive-ui';
import { useSessionStore } from '../stores/session';
import { useErrorText } from '../common/useErrorText';

export type UserMenuKey = 'password' | 'totp' | 'logout';

export function useUserMenu() {
  const session = useSessionStore();
  const router = useRouter();
  const message = useMessage();
  const { t } = useI18n();
  const errorText = useErrorText();
  const passwordOpen = ref(false);

  const user = computed(() => session.user);
  const roleName = computed(() => (user.value ? t(`roles.${user.value.role}`) : ''));
  const options = computed<DropdownOption[]>(() => {
    // A wall display has no password of its own and no second factor: it can only sign out.
    const person = session.info?.kind === 'password';
    const opt = (key: UserMenuKey, label: string): DropdownOption => ({
      key,
      label,
      props: { 'data-testid': `user-menu-${key}` } as HTMLAttributes,
    });
    return [
      ...(person
        ? [
            opt('password', t('account.changePassword')),
            opt('totp', t('account.secondFactor')),
            { type: 'divider', key: 'd' },
          ]
        : []),
      opt('logout', t('account.signOut')),
    ];
  });

  async function choose(key: string | number): Promise<void> {
    switch (key as UserMenuKey) {
      case 'password':
        passwordOpen.value = true;
        break;
      case 'totp':
        await router.push({ name: 'totp' });
        break;
      case 'logout':
        // The session store ends the session; auth/install.ts takes the page to the sign-in page.
        await session
          .logout()
          .catch((e: unknown) => message.error(t('account.signOutFailed', { message: errorText(e) })));
        break;
    }
  }

  return { user, roleName, options, choose, passwordOpen };
}
