/**
 * The devices tab in a real browser (issue 18): where devices send is shown above the table; a
 * GB/T 28181 device is registered through the dialog with a channel mapped to one of the demo
 * city's cameras, shows in the table with its kind, channels and "never seen", is edited (a camera
 * id the hub does not know is refused, and the hub's words show on that channel's row, not
 * elsewhere), and is deleted after a confirmation. Screenshots of the tab and the dialog.
 */
import { expect, test, type Page } from '@playwright/test';
import { deviceEndpointList } from '@shared/devices';
import { loginAs } from './login';

const DEVICE_ID = '34020000001320000901';
const CHANNEL = '34020000001310000901';
const BAD_CHANNEL = '34020000001310000902';
const NAME = 'e2e 东门平台';
const RENAMED = 'e2e 东门平台二';

/** A camera of the demo city (the city scope holds them all). */
async function aCameraId(page: Page): Promise<string> {
  const res = await page.request.get('/api/v1/layers/cameras.geojson');
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { features: { properties: { id: string } }[] };
  const id = body.features[0]?.properties.id;
  expect(id, 'the demo city has cameras').toBeTruthy();
  return id!;
}

async function listed(page: Page) {
  const res = await page.request.get('/api/v1/admin/devices');
  expect(res.status()).toBe(200);
  return deviceEndpointList.parse(await res.json());
}

test.beforeEach(async ({ page }) => {
  await loginAs(page, 'admin');
});

test('a GB/T 28181 device is registered, shown, edited (a bad camera named on its row) and deleted', async ({
  page,
}, testInfo) => {
  const camera = await aCameraId(page);
  await page.goto('/admin?tab=devices');
  const tab = page.getByTestId('admin-devices');
  await expect(tab).toBeVisible();

  // Where devices send: this origin's ISAPI path, the SIP port or "off", the unknown messages.
  const { listening } = await listed(page);
  await expect(page.getByTestId('devices-isapi')).toContainText(
    `http://127.0.0.1:${new URL(page.url()).port}${listening.isapiPath}`,
  );
  if (listening.sipPort === null) await expect(page.getByTestId('devices-sip')).toContainText('SIP 未开启');
  else await expect(page.getByTestId('devices-sip')).toContainText(`127.0.0.1:${listening.sipPort}`);
  await expect(page.getByTestId('devices-unknown')).toContainText('未登记设备的消息');

  // Register: GB/T 28181 is the default kind; the city is the default scope.
  await page.getByTestId('device-create').click();
  const dialog = page.getByTestId('device-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('scope-select')).toContainText('南昌市');
  // Checked as the hub checks it, before anything is sent.
  await page.getByTestId('device-save').click();
  await expect(page.getByTestId('device-field-name')).toContainText('名称须为 1–64 个字符');
  await expect(page.getByTestId('device-field-deviceId')).toContainText('设备编码须为 20 位数字');
  await page.getByTestId('device-name').locator('input').fill(NAME);
  await page.getByTestId('device-device-id').locator('input').fill(DEVICE_ID);
  await expect(page.getByTestId('device-field-channels')).toContainText('无需添加');
  await page.getByTestId('device-channel-add').click();
  await page.getByTestId('device-channel').locator('input').fill(CHANNEL);
  await page.getByTestId('device-channel-camera').locator('input').fill(camera);
  await page.getByTestId('device-save').click();
  await expect(dialog).toHaveCount(0);

  const row = page.locator(`[data-testid="device-row"][data-name="${NAME}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId('device-kind')).toHaveText('GB/T 28181');
  await expect(row).toContainText(DEVICE_ID);
  await expect(row.getByTestId('device-channels')).toHaveText('1');
  await expect(row.getByTestId('device-last-seen')).toHaveText('从未');
  const stored = (await listed(page)).items.find((d) => d.name === NAME)!;
  expect(stored.gb28181).toEqual({ deviceId: DEVICE_ID, charset: 'gbk', channels: { [CHANNEL]: camera } });
  await page.waitForTimeout(400); // the dialog's fade and the success message
  await page.screenshot({ path: testInfo.outputPath('admin-devices-tab.png') });

  // Edit: the kind is fixed; a camera id the hub does not know is refused on its row.
  await row.getByTestId('device-edit').click();
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('device-kind-isapi').locator('input')).toBeDisabled();
  await expect(page.getByTestId('device-name').locator('input')).toHaveValue(NAME);
  await expect(page.getByTestId('device-channel').locator('input')).toHaveValue(CHANNEL);
  await page.getByTestId('device-name').locator('input').fill(RENAMED);
  await page.getByTestId('device-channel-add').click();
  const rows = page.getByTestId('device-channel-row');
  await rows.nth(1).getByTestId('device-channel').locator('input').fill(BAD_CHANNEL);
  await rows.nth(1).getByTestId('device-channel-camera').locator('input').fill('no-such-camera');
  await page.getByTestId('device-save').click();
  await expect(rows.nth(1)).toHaveAttribute('data-error', 'true');
  await expect(rows.nth(0)).toHaveAttribute('data-error', 'false');
  const rowError = page.getByTestId('device-channel-error');
  await expect(rowError).toHaveCount(1);
  await expect(rowError).toContainText('no camera "no-such-camera"');
  await expect(rowError).toContainText('本平台没有该摄像机');
  await expect(page.getByTestId('device-general-error')).toHaveCount(0);
  await expect(dialog).toBeVisible();
  await expect(rows.nth(1).getByTestId('device-channel-camera')).toHaveClass(/n-input--error-status/);
  await expect(rows.nth(0).getByTestId('device-channel-camera')).not.toHaveClass(/n-input--error-status/);
  await page.screenshot({ path: testInfo.outputPath('admin-devices-dialog.png') });
  await page
    .getByTestId('device-channel-table')
    .screenshot({ path: testInfo.outputPath('admin-devices-channels.png') });

  // Fixed: the bad row removed, the rename goes through.
  await rows.nth(1).getByTestId('device-channel-remove').click();
  await expect(rowError).toHaveCount(0);
  await page.getByTestId('device-save').click();
  await expect(dialog).toHaveCount(0);
  const renamed = page.locator(`[data-testid="device-row"][data-name="${RENAMED}"]`);
  await expect(renamed).toBeVisible();
  await expect(row).toHaveCount(0);
  const edited = (await listed(page)).items.find((d) => d.id === stored.id)!;
  expect(edited.name).toBe(RENAMED);
  expect(edited.gb28181?.channels).toEqual({ [CHANNEL]: camera });

  // Delete, after a confirmation.
  await renamed.getByTestId('device-delete').click();
  await page.locator('.n-popconfirm').getByRole('button', { name: '确认' }).click();
  await expect(renamed).toHaveCount(0);
  expect((await listed(page)).items.find((d) => d.id === stored.id)).toBeUndefined();
});
