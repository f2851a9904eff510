/**
 * Device endpoints over HTTP (issue 18; rules in services/devices/device-registry.service.ts): admins
 * register, change and remove the devices that speak their vendors' protocols, inside their scope,
 * and read what the hub has counted of each.
 */
import { deviceEndpointBody, deviceEndpointList, deviceEndpointView } from '@shared/devices';
import { parseInput } from '../core/http-errors';
import { ctxOf, requestMeta, type ApiRoutes } from '../http/auth';
import type { DeviceRegistryService } from '../services/devices/device-registry.service';
import type { DeviceIngestService } from '../services/devices/device-ingest.service';

export function deviceRoutes(
  api: ApiRoutes,
  deps: { devices: DeviceRegistryService; deviceIngest: Pick<DeviceIngestService, 'unknownMessages'> },
): void {
  const manage = { action: 'admin:manage' } as const;
  const tags = ['devices'];
  const bodyErrors = {
    400: 'a field is not valid (the message names it), a channel names no camera or one outside the scope, or no such region',
    403: 'the scope lies outside the admin’s',
  };

  api.add(
    'get',
    '/admin/devices',
    manage,
    {
      summary: 'The device endpoints inside the admin’s scope, with what the hub has counted of each.',
      description:
        'Last seen, events stored, repeats folded, notices refused and messages dead-lettered, all hubs together (each hub adds its counts every few seconds). A Dahua password is never sent back: `hasPassword` says whether one is held.',
      reply: { status: 200, schema: deviceEndpointList, description: 'the endpoints, and where devices send' },
      tags,
    },
    async (req, res) => {
      const list = await deps.devices.list(ctxOf(req));
      res.set('Cache-Control', 'no-store').json({ ...list, unknownMessages: deps.deviceIngest.unknownMessages() });
    },
  );
  api.add(
    'post',
    '/admin/devices',
    manage,
    {
      summary: 'Register a device endpoint: a Hikvision ISAPI camera or NVR, a Dahua device, a GB/T 28181 device.',
      body: deviceEndpointBody,
      reply: { status: 201, schema: deviceEndpointView, description: 'the endpoint' },
      errors: { ...bodyErrors, 409: 'another endpoint of this kind has this address and MAC, device id or URL' },
      tags,
    },
    async (req, res) => {
      const body = parseInput(deviceEndpointBody, req.body, 'body');
      res.status(201).json(await deps.devices.create(ctxOf(req), body, requestMeta(req)));
    },
  );
  api.add(
    'get',
    '/admin/devices/:id',
    manage,
    {
      summary: 'One device endpoint.',
      reply: { status: 200, schema: deviceEndpointView, description: 'the endpoint' },
      errors: { 404: 'no endpoint with this id inside the admin’s scope' },
      tags,
    },
    async (req, res) => {
      res.set('Cache-Control', 'no-store').json(await deps.devices.get(ctxOf(req), String(req.params.id)));
    },
  );
  api.add(
    'put',
    '/admin/devices/:id',
    manage,
    {
      summary: 'Replace a device endpoint’s settings (its kind cannot change; a Dahua password left out is kept).',
      body: deviceEndpointBody,
      reply: { status: 200, schema: deviceEndpointView, description: 'the endpoint' },
      errors: {
        ...bodyErrors,
        404: 'no endpoint with this id inside the admin’s scope',
        409: 'a clash with another endpoint',
      },
      tags,
    },
    async (req, res) => {
      const body = parseInput(deviceEndpointBody, req.body, 'body');
      res.json(await deps.devices.replace(ctxOf(req), String(req.params.id), body, requestMeta(req)));
    },
  );
  api.add(
    'delete',
    '/admin/devices/:id',
    manage,
    {
      summary: 'Remove a device endpoint: its messages are dead-lettered as an unknown device’s from then on.',
      reply: { status: 204, description: 'removed' },
      errors: { 404: 'no endpoint with this id inside the admin’s scope' },
      tags,
    },
    async (req, res) => {
      await deps.devices.remove(ctxOf(req), String(req.params.id), requestMeta(req));
      res.status(204).end();
    },
  );
}
