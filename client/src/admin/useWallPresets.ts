/**
 * The wall presets tab's state: the presets from the hub, saving one (`PUT /wall/presets/:id`,
 * audited by the hub; a 400 comes back as the fields it names) and deleting one.
 */
import { useI18n } from 'vue-i18n';
import { useMessage } from 'naive-ui';
import type { WallPresetBody } from '@shared/wall';
import { ApiError } from '../api/http';
import { useErrorText } from '../common/useErrorText';
import { deleteWallPreset, listWallPresets, putWallPreset } from './api';
import { useAdminList } from './useAdminList';

export type PresetSaveOutcome = { ok: true } | { ok: false; errors: Record<string, string> };

/** 'body.fixed.0' → 'fixed'; 'id' → 'id'; anything else → 'general'. */
export function presetField(path: string): string {
  const m = /^(?:body\.)?([A-Za-z]+)/.exec(path);
  return m ? m[1]! : 'general';
}

export function useWallPresets() {
  const { t } = useI18n();
  const message = useMessage();
  const errorText = useErrorText();
  const { items: presets, loading, error, reload } = useAdminList(listWallPresets);

  async function save(id: string, body: WallPresetBody): Promise<PresetSaveOutcome> {
    try {
      await putWallPreset(id, body);
      message.success(t('wallPresets.saved', { name: body.name }));
      await reload();
      return { ok: true };
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) {
        const issues = (e.details as { issues?: { path: string; message: string }[] } | undefined)?.issues ?? [];
        const errors: Record<string, string> = {};
        for (const i of issues) errors[presetField(i.path)] ??= i.message;
        if (!issues.length) {
          const m = /^([^:]+): (.*)$/s.exec(e.message);
          errors[m ? presetField(m[1]!) : 'general'] = m ? m[2]! : e.message;
        }
        return { ok: false, errors };
      }
      message.error(errorText(e));
      return { ok: false, errors: {} };
    }
  }

  async function remove(id: string): Promise<void> {
    try {
      await deleteWallPreset(id);
      await reload();
    } catch (e) {
      message.error(errorText(e));
    }
  }

  return { presets, loading, error, reload, save, remove };
}
