/** The admin endpoints (role admin), typed by the shared schemas. */
import { API_PREFIX } from '@shared/api';
import {
  adminUnitList,
  auditPage,
  auditVerify,
  createdCredential,
  credentialList,
  userList,
  userView,
  type AdminUnit,
  type AuditPage,
  type AuditQuery,
  type AuditVerify,
  type CreateCredentialBody,
  type CreatedCredential,
  type CreateUserBody,
  type CredentialView,
  type UpdateUserBody,
  type UserView,
} from '@shared/auth';
import {
  deviceEndpointList,
  deviceEndpointView,
  type DeviceEndpointBody,
  type DeviceEndpointList,
  type DeviceEndpointView,
} from '@shared/devices';
import { deadLetterPage, type DeadLetterPage, type DeadLetterQuery } from '@shared/dead-letters';
import { ruleSchema, type Rule } from '@shared/rules';
import { wallPreset, type WallPreset, type WallPresetBody } from '@shared/wall';
import { zoneSearchReply, type ZoneSearchQuery, type ZoneSummary } from '@shared/zone-search';
import { z } from 'zod';
import { getJson, sendJson, sendVoid } from '../api/http';

const ADMIN = `${API_PREFIX}/admin`;

export async function listUsers(): Promise<UserView[]> {
  return (await getJson(`${ADMIN}/users`, userList)).users;
}
export function createUser(body: CreateUserBody): Promise<UserView> {
  return sendJson('POST', `${ADMIN}/users`, body, userView);
}
export function updateUser(id: string, body: UpdateUserBody): Promise<UserView> {
  return sendJson('PATCH', `${ADMIN}/users/${encodeURIComponent(id)}`, body, userView);
}
/** The units a field account may belong to: those homed inside the admin's scope. */
export async function listUnits(signal?: AbortSignal): Promise<AdminUnit[]> {
  return (await getJson(`${ADMIN}/units`, adminUnitList, signal)).units;
}
/** Ends every session of the user ("sign out everywhere"). */
export function endUserSessions(id: string): Promise<void> {
  return sendVoid('DELETE', `${ADMIN}/users/${encodeURIComponent(id)}/sessions`);
}

/** Device keys (devices posting to the hub) and wall tokens (displays signing in) share one shape. */
export type CredentialKind = 'device-keys' | 'wall-tokens' | 'integration-keys';

export async function listCredentials(kind: CredentialKind): Promise<CredentialView[]> {
  return (await getJson(`${ADMIN}/${kind}`, credentialList)).items;
}
export function createCredential(kind: CredentialKind, body: CreateCredentialBody): Promise<CreatedCredential> {
  return sendJson('POST', `${ADMIN}/${kind}`, body, createdCredential);
}
export function revokeCredential(kind: CredentialKind, id: string): Promise<void> {
  return sendVoid('DELETE', `${ADMIN}/${kind}/${encodeURIComponent(id)}`);
}

/** A page of the audit log, newest first; `before` continues from a page's `nextBefore`. */
export function fetchAudit(query: Partial<AuditQuery>, signal?: AbortSignal): Promise<AuditPage> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  return getJson(`${ADMIN}/audit?${params.toString()}`, auditPage, signal);
}
export function verifyAudit(): Promise<AuditVerify> {
  return getJson(`${ADMIN}/audit/verify`, auditVerify);
}

/** A page of dead letters (messages set aside), newest first; `before` continues from a page's `nextBefore`. */
export function fetchDeadLetters(query: Partial<DeadLetterQuery>, signal?: AbortSignal): Promise<DeadLetterPage> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  return getJson(`${ADMIN}/dead-letters?${params.toString()}`, deadLetterPage, signal);
}

/** The alarm rules, as stored. */
export async function listRules(): Promise<Rule[]> {
  return (await getJson(`${API_PREFIX}/rules`, z.object({ rules: z.array(ruleSchema) }))).rules;
}
/** Create or replace a rule (its id in the path and the body). */
export function putRule(rule: Rule): Promise<Rule> {
  return sendJson('PUT', `${API_PREFIX}/rules/${encodeURIComponent(rule.id)}`, rule, ruleSchema);
}
/** Zones of the whole city by part of the name or id, by kind, or by id (the rule editor's picker). */
export async function searchZones(query: ZoneSearchQuery, signal?: AbortSignal): Promise<ZoneSummary[]> {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.kind) params.set('kind', query.kind);
  if (query.ids) params.set('ids', query.ids.join(','));
  if (query.limit) params.set('limit', String(query.limit));
  return (await getJson(`${API_PREFIX}/zones?${params.toString()}`, zoneSearchReply, signal)).zones;
}

/** Wall presets (issue 17): what each wall shows; city-wide admins edit them. */
export async function listWallPresets(): Promise<WallPreset[]> {
  return (await getJson(`${API_PREFIX}/wall/presets`, z.object({ presets: z.array(wallPreset) }))).presets;
}
export function putWallPreset(id: string, body: WallPresetBody): Promise<WallPreset> {
  return sendJson('PUT', `${API_PREFIX}/wall/presets/${encodeURIComponent(id)}`, body, wallPreset);
}
export function deleteWallPreset(id: string): Promise<void> {
  return sendVoid('DELETE', `${API_PREFIX}/wall/presets/${encodeURIComponent(id)}`);
}

/** Device endpoints (issue 18): the cameras, NVRs and platforms speaking vendor protocols, with the hub's counts. */
export function listDevices(): Promise<DeviceEndpointList> {
  return getJson(`${ADMIN}/devices`, deviceEndpointList);
}
export function createDevice(body: DeviceEndpointBody): Promise<DeviceEndpointView> {
  return sendJson('POST', `${ADMIN}/devices`, body, deviceEndpointView);
}
/** Replace an endpoint's settings (its kind stays; a Dahua password left out is kept). */
export function updateDevice(id: string, body: DeviceEndpointBody): Promise<DeviceEndpointView> {
  return sendJson('PUT', `${ADMIN}/devices/${encodeURIComponent(id)}`, body, deviceEndpointView);
}
export function deleteDevice(id: string): Promise<void> {
  return sendVoid('DELETE', `${ADMIN}/devices/${encodeURIComponent(id)}`);
}
