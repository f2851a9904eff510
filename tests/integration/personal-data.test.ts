/**
 * Personal data masked by default (issue 15), on both backends: a reporter's phone and a dispute
 * party's ID number leave the hub masked to their last four for every role and on every path (the
 * list, the detail, a screen's socket catch-up and push, a stale 409, the field phone); the full
 * value only through POST /incidents/:id/reveal, for the roles allowed that field, audited with
 * who, what and which incident (given or refused), and never written to the audit log or the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { backends, signIn, testConfig, TEST_PASSWORD, type Signed } from './helpers';
import { ScreenSocket, until } from './screen';
import { createApp, type Hub } from '@server/app';
import { createLogger } from '@server/core/logging';
import { auditPage } from '@shared/auth';
import { incidentDetail, type IncidentView } from '@shared/incidents';
import { revealReply } from '@shared/personal-data';

const API = '/api/v1';
const PHONE = '13987654321';
const ID_NUMBER = '36010219800101123X';
const PARTY_PHONE = '15811112222';

describe.each(backends)('personal data on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  const logParts: string[] = [];
  const as = {} as Record<'dispatcher' | 'commander' | 'admin' | 'viewer' | 'wall' | 'field', Signed>;
  let screen: ScreenSocket;
  let report: IncidentView;
  let dispute: IncidentView;

  const json = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const ok = async (res: Response, status = 200) => {
    expect(res.status, await res.clone().text()).toBe(status);
    return res.json() as Promise<unknown>;
  };
  const reveal = (who: Signed, id: string, body: unknown) =>
    who.fetch(`${url}${API}/incidents/${id}/reveal`, json(body));
  const noRaw = (text: string, what: string) => {
    for (const raw of [PHONE, ID_NUMBER, PARTY_PHONE]) expect(text.includes(raw), `${what} carries ${raw}`).toBe(false);
  };

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    const stream = new Writable({
      write(chunk: Buffer | string, _enc, cb) {
        logParts.push(chunk.toString());
        cb();
      },
    });
    hub = createApp(testConfig({ ...p.config, logLevel: 'trace' }), {
      logger: createLogger({ logLevel: 'trace', logFormat: 'json' }, { stream }),
    });
    const addr = await hub.listen();
    await hub.ready;
    url = `http://127.0.0.1:${addr.port}`;
    for (const who of ['dispatcher', 'commander', 'admin', 'viewer', 'wall'] as const)
      as[who] = await signIn(url, who, TEST_PASSWORD);
    as.field = await signIn(url, 'police-0001', TEST_PASSWORD);
    screen = new ScreenSocket(url, as.dispatcher.cookie);
    await screen.ready();
    await screen.syncIncidents(null);
    await hub
      .services()
      .database.db.execute(
        sql`update units set status = 'available', incident_id = null where id = 'unit-police-0001'`,
      );

    const police = (await ok(await as.dispatcher.fetch(`${url}${API}/units`))) as {
      units: { id: string; position: [number, number] }[];
    };
    const at = police.units.find((u) => u.id === 'unit-police-0001')!.position;
    report = incidentDetail.parse(
      await ok(
        await as.dispatcher.fetch(
          `${url}${API}/incidents`,
          json({
            category: 'noise',
            priority: 3,
            title: '隐私测试',
            location: { lon: at[0], lat: at[1] },
            reporter: { name: '周先生', phone: PHONE },
          }),
        ),
        201,
      ),
    ).incident;
    dispute = incidentDetail.parse(
      await ok(
        await as.dispatcher.fetch(
          `${url}${API}/incidents`,
          json({
            category: 'dispute_neighbour',
            priority: 3,
            title: '纠纷隐私测试',
            location: { lon: at[0], lat: at[1] },
            parties: [{ name: '王五', idKey: ID_NUMBER }, { name: '赵六', idKey: PARTY_PHONE }, { name: '钱七' }],
          }),
        ),
        201,
      ),
    ).incident;
    // The field unit is sent, so its phone shows the incident too.
    const accepted = incidentDetail.parse(
      await ok(
        await as.dispatcher.fetch(
          `${url}${API}/incidents/${report.id}/actions`,
          json({ action: 'accept', version: report.version }),
        ),
      ),
    ).incident;
    report = incidentDetail.parse(
      await ok(
        await as.dispatcher.fetch(
          `${url}${API}/incidents/${report.id}/actions`,
          json({ action: 'dispatch', version: accepted.version, unitIds: ['unit-police-0001'] }),
        ),
      ),
    ).incident;
  });
  afterAll(async () => {
    screen?.socket.disconnect();
    await hub?.close();
    await cleanup?.();
  });

  it('masks ID numbers and phones to the last four for every role, on every path', async () => {
    expect(report.reporter).toEqual({ name: '周先生', phone: '*******4321' });
    expect(dispute.dispute?.parties).toEqual([
      { name: '王五', idKey: '**************123X' },
      { name: '赵六', idKey: '*******2222' },
      { name: '钱七', idKey: null },
    ]);
    for (const who of ['dispatcher', 'commander', 'admin', 'viewer', 'wall'] as const) {
      for (const path of [`/incidents/${report.id}`, `/incidents/${dispute.id}`, '/incidents?status=open&limit=200']) {
        const res = await as[who].fetch(`${url}${API}${path}`);
        expect(res.status, `${who} ${path}`).toBe(200);
        const text = await res.text();
        noRaw(text, `${who} ${path}`);
        if (path === `/incidents/${report.id}`) expect(text).toContain('*******4321');
      }
    }
    const home = await as.field.fetch(`${url}${API}/field/home`);
    const homeText = await home.text();
    expect(homeText).toContain('*******4321');
    noRaw(homeText, 'the field home');
    // A stale action's 409 carries the current incident: masked too.
    const stale = await as.dispatcher.fetch(
      `${url}${API}/incidents/${dispute.id}/actions`,
      json({ action: 'accept', version: 99 }),
    );
    expect(stale.status).toBe(409);
    noRaw(await stale.text(), 'a stale 409');
    // A screen's push and catch-up.
    await until(() => screen.incidents.has(dispute.id) && screen.incidents.has(report.id));
    noRaw(JSON.stringify([...screen.incidents.values()]), 'the pushed incidents');
    await screen.syncIncidents(null);
    noRaw(JSON.stringify([...screen.incidents.values()]), 'a snapshot');
  });

  it('reveals to the roles allowed that field, and refuses everyone else', async () => {
    const phone = revealReply.parse(await ok(await reveal(as.dispatcher, report.id, { field: 'reporterPhone' })));
    expect(phone).toEqual({ field: 'reporterPhone', party: null, value: PHONE });
    expect(revealReply.parse(await ok(await reveal(as.commander, report.id, { field: 'reporterPhone' }))).value).toBe(
      PHONE,
    );
    const party = (n: number) => ({ field: 'partyId', party: n });
    expect(revealReply.parse(await ok(await reveal(as.commander, dispute.id, party(0)))).value).toBe(ID_NUMBER);
    expect(revealReply.parse(await ok(await reveal(as.commander, dispute.id, party(1)))).value).toBe(PARTY_PHONE);

    // A dispatcher may not see a party's ID number; the rest of the roles see nothing.
    const refused = await reveal(as.dispatcher, dispute.id, party(0));
    expect(refused.status).toBe(403);
    noRaw(await refused.text(), 'a refusal');
    for (const who of ['admin', 'viewer', 'wall', 'field'] as const) {
      const res = await reveal(as[who], report.id, { field: 'reporterPhone' });
      expect(res.status, who).toBe(403);
      noRaw(await res.text(), `${who}'s refusal`);
    }
    // Nothing to reveal, or a bad body: 400 naming the field.
    const none = async (id: string, body: unknown, path: string) => {
      const res = await reveal(as.commander, id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(path);
    };
    await none(dispute.id, party(2), 'body.party');
    await none(dispute.id, party(7), 'body.party');
    await none(dispute.id, { field: 'reporterPhone' }, 'body.field');
    await none(report.id, { field: 'partyId' }, 'body.party');
    await none(report.id, { field: 'name' }, 'body.field');
    expect((await reveal(as.commander, '00000000-0000-0000-0000-000000000000', party(0))).status).toBe(404);
  });

  it('audits each reveal, given or refused, with who, what and which incident, never the value', async () => {
    const records = auditPage.parse(
      await ok(await as.admin.fetch(`${url}${API}/admin/audit?action=incident.reveal&limit=200`)),
    ).records;
    const seen = records.map((r) => ({
      who: r.actorName,
      target: r.target,
      outcome: r.outcome,
      field: r.details?.field,
      party: r.details?.party,
    }));
    expect(seen).toEqual(
      expect.arrayContaining([
        { who: 'dispatcher', target: `incident:${report.id}`, outcome: 'ok', field: 'reporterPhone', party: undefined },
        { who: 'commander', target: `incident:${dispute.id}`, outcome: 'ok', field: 'partyId', party: 0 },
        { who: 'dispatcher', target: `incident:${dispute.id}`, outcome: 'denied', field: 'partyId', party: 0 },
      ]),
    );
    expect(records.find((r) => r.target === `incident:${report.id}`)?.details).toMatchObject({ code: report.code });
    noRaw(JSON.stringify(records), 'the audit log');
    const all = await as.admin.fetch(`${url}${API}/admin/audit?limit=200`);
    noRaw(await all.text(), 'the whole audit log');
    noRaw(logParts.join(''), 'the log');
  });
});
