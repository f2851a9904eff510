/**
 * A major event's report as a PDF (issue 17): what the leader prints after the event. Built with
 * pdfkit (pure JS, no browser on the hub) from the same report the JSON route returns.
 *
 * - Chinese text needs a CJK font the machine may lack: Noto Sans SC (the simplified-Chinese subset
 *   fontsource publishes, with Latin and digits; SIL OFL, server/assets/fonts/OFL.txt) is vendored,
 *   unpacked from WOFF once (`woffToSfnt`), and pdfkit embeds only the glyphs a document uses (a
 *   report is tens of KB).
 * - The labels are Chinese constants here, not the client's i18n: the hub's users are Chinese, the
 *   PDF is a document of record and reads the same whoever downloads it, and the hub has no locale
 *   of its own to choose by. Times are Beijing time (UTC+8), as the city's clocks read.
 * - Text from the database (names, titles) goes through `printable`: control characters, lone
 *   surrogates and anything the font has no glyph for are left out, so odd text never breaks a page
 *   or the request.
 * - The map is vectors: the projection of shared/report-map.ts (the printable page draws with it too).
 * - The whole document is drawn before the first byte is sent (pdfkit holds it until piped), so a
 *   fault while drawing is an ordinary error reply, never half a file.
 */
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import type { MajorEventReport, ReportIncident } from '@shared/major-event-report';
import { projection, reportMapBounds, ringPoints, type Projection } from '@shared/report-map';

// ------------------------------------------------------------------ labels (zh-CN, see above)

const L = {
  /** Priorities as the desk says them (一级 … 四级). */
  priority: ['一级', '二级', '三级', '四级'] as readonly string[],
  final: '安保总结报告',
  interim: '阶段报告（活动未结束，数据截至生成时）',
  interimMark: '中期',
  region: '所属区域',
  window: '统计时段',
  generated: '生成时间',
  tz: '北京时间',
  status: '活动状态',
  eventStatus: { scheduled: '未开始', active: '进行中', closed: '已结束' } as Record<string, string>,
  figures: '核心指标',
  map: '态势图',
  forces: '警力部署',
  escalations: '升级与超时事件',
  timeline: '时间线',
  none: '无',
  page: (n: number, of: number) => `第 ${n} / ${of} 页`,
  timelineTruncated: (n: number, max: number) => `另有 ${n} 条未列出（时间线最多列 ${max} 条）`,
  capped: '注意：数据量超过上限，部分记录未计入。',
  figure: {
    alarms: '告警总数',
    byPriority: '一级/二级/三级/四级',
    raised: '因活动提级',
    falseAlarms: '误报',
    incidents: '事件总数',
    openClosed: '未结 / 已办结',
    escalated: '升级',
    breached: '超时',
    dispatch: '派遣用时 中位/90%',
    arrive: '到场用时 中位/90%',
    resolve: '处置用时 中位',
    forces: '岗位 / 警力 / 人员',
  },
  legend: {
    region: '区域边界',
    buffer: '缓冲区',
    perimeter: '活动范围',
    post: '岗位',
    incident: '事件',
    alarm: '告警',
  },
  cols: {
    post: '岗位',
    kind: '类型',
    units: '警力（当前状态）',
    staff: '人员',
    code: '编号',
    title: '标题',
    priority: '等级',
    state: '状态（截至时段末）',
    escalations: '升级',
    breaches: '超时环节',
    time: '时间',
    what: '类别',
    label: '名称',
    action: '动作',
  },
  kindAlarm: '告警',
  kindIncident: '事件',
  postKind: { post: '岗位', checkpoint: '检查点' } as Record<string, string>,
  unitKind: {
    police: '民警',
    patrol_car: '巡逻车',
    grid_worker: '网格员',
    fire: '消防',
    medical: '医疗',
    department: '部门',
  } as Record<string, string>,
  unitStatus: { available: '空闲', busy: '任务中', offline: '离线' } as Record<string, string>,
  incidentStatus: {
    reported: '已上报',
    accepted: '已受理',
    dispatched: '已派遣',
    unit_accepted: '已接单',
    on_scene: '已到场',
    resolved: '已处置',
    verified: '已核查',
    rated: '已评价',
    closed: '已办结',
    merged: '已合并',
    cancelled: '已取消',
  } as Record<string, string>,
  action: {
    raised: '告警',
    report: '上报',
    accept: '受理',
    dispatch: '派遣',
    unit_accept: '接单',
    unit_decline: '拒单',
    arrive: '到场',
    resolve: '处置',
    verify: '核查',
    reject: '退回',
    rate: '评价',
    close: '办结',
    escalate: '升级',
    merge: '合并',
    merged_in: '并入',
    cancel: '取消',
    sla_breach: '超时',
    attach_alarm: '关联告警',
    risk_high: '高风险',
    mediation: '调解',
  } as Record<string, string>,
  stage: { dispatch: '派遣', arrive: '到场', resolve: '处置' } as Record<string, string>,
  seconds: (s: number) => {
    const t = Math.round(s);
    if (t < 60) return `${t}秒`;
    if (t < 3600) return `${Math.floor(t / 60)}分${t % 60 ? `${t % 60}秒` : ''}`;
    const h = Math.floor(t / 3600);
    const m = Math.floor((t % 3600) / 60);
    return `${h}小时${m ? `${m}分` : ''}`;
  },
} as const;

/** The alarm priorities' colours (P1..P4), as the screens draw them. */
export const PRIORITY_COLORS = ['#e5484d', '#f76b15', '#ffc53d', '#3e9bff'] as const;
const INK = '#1f2328';
const MUTED = '#6e7781';
const RULE = '#d0d7de';
const BEIJING_MS = 8 * 3_600_000;

// ------------------------------------------------------------------ the font and its text

const FONT = 'NotoSansSC';
let fontBytes: Buffer | null = null;
/** The vendored font as a plain OpenType file, read and unpacked once per hub. */
const font = (): Buffer =>
  (fontBytes ??= woffToSfnt(readFileSync(new URL('../assets/fonts/NotoSansSC-Regular.woff', import.meta.url))));

/**
 * A WOFF 1.0 file (https://www.w3.org/TR/WOFF/) as the OpenType file it packs: each table inflated
 * by Node's zlib. fontkit reads WOFF itself, but inflates a table in pure JS each time it reads it:
 * ~3 s of every report went to inflating the 1.5 MB CFF table again (0.05 s once, here). Anything
 * not WOFF is returned as it is.
 */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.length < 44 || woff.readUInt32BE(0) !== 0x774f4646) return woff; // 'wOFF'
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  if (44 + numTables * 20 > woff.length) throw new Error('WOFF: table directory past the end');
  const tables = Array.from({ length: numTables }, (_, i) => {
    const o = 44 + i * 20;
    const [tag, offset, compLength, origLength, checksum] = [0, 4, 8, 12, 16].map((k) => woff.readUInt32BE(o + k)) as [
      number,
      number,
      number,
      number,
      number,
    ];
    if (offset + compLength > woff.length) throw new Error('WOFF: a table past the end');
    const raw = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? inflateSync(raw) : raw;
    if (data.length !== origLength) throw new Error('WOFF: a table of the wrong length');
    return { tag, checksum, data };
  });
  let selector = 0;
  while (2 ** (selector + 1) <= numTables) selector++;
  const range = 2 ** selector * 16;
  const head = Buffer.alloc(12 + 16 * numTables);
  head.writeUInt32BE(flavor, 0);
  head.writeUInt16BE(numTables, 4);
  head.writeUInt16BE(range, 6);
  head.writeUInt16BE(selector, 8);
  head.writeUInt16BE(numTables * 16 - range, 10);
  const parts: Buffer[] = [head];
  let at = head.length;
  tables.forEach((t, i) => {
    const o = 12 + i * 16;
    head.writeUInt32BE(t.tag, o);
    head.writeUInt32BE(t.checksum, o + 4);
    head.writeUInt32BE(at, o + 8);
    head.writeUInt32BE(t.data.length, o + 12);
    const padded = (t.data.length + 3) & ~3;
    parts.push(t.data, Buffer.alloc(padded - t.data.length));
    at += padded;
  });
  return Buffer.concat(parts);
}

interface Glyphs {
  hasGlyphForCodePoint(cp: number): boolean;
}

/**
 * What of `text` can be printed: no control or format characters (NUL, bidi overrides), no lone
 * surrogates, no noncharacters, and only what the font has a glyph for (`glyphs`, when known).
 */
export function printable(text: string, glyphs?: Glyphs | null): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) continue; // a lone surrogate (a pair iterates as one)
    if (/[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/u.test(ch)) {
      if (ch === '\n' || ch === '\t') out += ' ';
      continue;
    }
    if (glyphs && cp > 0x20 && !glyphs.hasGlyphForCodePoint(cp)) continue;
    out += ch;
  }
  return out;
}

/** The font pdfkit embeds (its fontkit font), for the glyph test; null if pdfkit's inside ever changes. */
function glyphsOf(doc: PDFKit.PDFDocument): Glyphs | null {
  const inner = (doc as unknown as { _font?: { font?: Partial<Glyphs> } })._font?.font;
  return typeof inner?.hasGlyphForCodePoint === 'function' ? (inner as Glyphs) : null;
}

/** An instant in Beijing time, `2026-11-22 20:05`. */
export function beijing(iso: string | null, seconds = false): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return '—';
  const s = new Date(ms + BEIJING_MS).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, seconds ? 19 : 16)}`;
}

/**
 * The download's names: an ASCII one for old clients and the event's own name (RFC 5987 `filename*`),
 * both without anything a header or a file system would mind.
 */
export function reportFileNames(r: MajorEventReport): { ascii: string; utf8: string; header: string } {
  const day = beijing(r.window.from).slice(0, 10).replace(/-/g, '');
  const id = r.event.id.replace(/[^A-Za-z0-9-]/g, '').slice(0, 36) || 'event';
  const ascii = `major-event-${id}-${day}.pdf`;
  const name = printable(r.event.name)
    .replace(/[\\/:*?"<>|]/g, '_')
    .trim()
    .slice(0, 80);
  const utf8 = `${name || 'major-event'}-${r.window.final ? L.final : '阶段报告'}-${day}.pdf`;
  const header = `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(utf8).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
  return { ascii, utf8, header };
}

// ------------------------------------------------------------------ the document

const PAGE = { size: 'A4' as const, margin: 40 };

interface Column {
  title: string;
  width: number;
  align?: 'left' | 'right' | 'center';
}

class ReportPdf {
  readonly doc: PDFKit.PDFDocument;
  private readonly glyphs: Glyphs | null;
  private readonly left: number;
  private readonly width: number;

  constructor(private readonly r: MajorEventReport) {
    this.doc = new PDFDocument({
      size: PAGE.size,
      margin: PAGE.margin,
      bufferPages: true,
      info: { Title: printable(`${r.event.name} ${r.window.final ? L.final : L.interim}`), Creator: 'hub' },
    });
    this.doc.registerFont(FONT, font());
    this.doc.font(FONT).fillColor(INK);
    this.glyphs = glyphsOf(this.doc);
    this.left = this.doc.page.margins.left;
    this.width = this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  private t(s: string): string {
    return printable(s, this.glyphs);
  }

  private get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  /** A new page unless `h` more points fit on this one. */
  private room(h: number): void {
    if (this.doc.y + h > this.bottom) this.doc.addPage();
  }

  /** A section's title, kept with what follows it (a table's header and first rows). */
  private heading(text: string): void {
    this.room(110);
    this.doc.moveDown(0.6).fontSize(13).fillColor(INK).text(this.t(text), this.left, this.doc.y);
    const y = this.doc.y + 2;
    this.doc
      .moveTo(this.left, y)
      .lineTo(this.left + this.width, y)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
    this.doc.y = y + 6;
  }

  draw(): PDFKit.PDFDocument {
    this.header();
    this.figures();
    this.map();
    this.forces();
    this.escalationTable();
    this.timelineTable();
    this.footers();
    return this.doc;
  }

  private header(): void {
    const { doc, r } = this;
    doc
      .fontSize(20)
      .fillColor(INK)
      .text(this.t(r.event.name) || '—', this.left, doc.y, { width: this.width - 60 });
    if (!r.window.final) {
      // The interim mark, top right: a report printed while the event runs is not the final word.
      const x = this.left + this.width - 48;
      doc.save().roundedRect(x, PAGE.margin, 48, 22, 3).lineWidth(1.2).strokeColor(PRIORITY_COLORS[0]).stroke();
      doc
        .fontSize(11)
        .fillColor(PRIORITY_COLORS[0])
        .text(L.interimMark, x, PAGE.margin + 5, { width: 48, align: 'center' });
      doc.restore();
    }
    doc
      .moveDown(0.2)
      .fontSize(11)
      .fillColor(r.window.final ? INK : PRIORITY_COLORS[0]);
    doc.text(r.window.final ? L.final : L.interim, this.left, doc.y);
    doc.moveDown(0.3).fontSize(9.5).fillColor(MUTED);
    const lines = [
      `${L.region}：${this.t(r.regionName)}（${r.event.regionCode}）`,
      `${L.window}：${beijing(r.window.from)} — ${beijing(r.window.to)}（${L.tz}）`,
      `${L.status}：${L.eventStatus[r.event.status] ?? r.event.status}`,
      `${L.generated}：${beijing(r.generatedAt, true)}`,
    ];
    for (const line of lines) doc.text(line, this.left, doc.y);
    if (r.capped && (r.capped.alarms || r.capped.incidents || r.capped.steps))
      doc.fillColor(PRIORITY_COLORS[0]).text(L.capped, this.left, doc.y);
    doc.fillColor(INK);
  }

  private figures(): void {
    const f = this.r.figures;
    const dur = (a: number | null, b?: number | null) =>
      b === undefined
        ? a === null
          ? '—'
          : L.seconds(a)
        : `${a === null ? '—' : L.seconds(a)} / ${b === null ? '—' : L.seconds(b)}`;
    const cells: [string, string][] = [
      [L.figure.alarms, String(f.alarms)],
      [L.figure.byPriority, f.byPriority.join(' / ')],
      [L.figure.raised, String(f.raised)],
      [L.figure.falseAlarms, String(f.falseAlarms)],
      [L.figure.incidents, String(f.incidents)],
      [L.figure.openClosed, `${f.open} / ${f.closed}`],
      [L.figure.escalated, String(f.escalated)],
      [L.figure.breached, String(f.breached)],
      [L.figure.dispatch, dur(f.dispatchMedianS, f.dispatchP90S)],
      [L.figure.arrive, dur(f.arriveMedianS, f.arriveP90S)],
      [L.figure.resolve, dur(f.resolveMedianS)],
      [L.figure.forces, `${f.posts} / ${f.unitsDeployed} / ${f.staff}`],
    ];
    this.heading(L.figures);
    const { doc } = this;
    const cols = 4;
    const w = this.width / cols;
    const h = 40;
    const top = doc.y;
    cells.forEach(([label, value], i) => {
      const x = this.left + (i % cols) * w;
      const y = top + Math.floor(i / cols) * h;
      doc
        .rect(x + 2, y + 2, w - 4, h - 4)
        .lineWidth(0.5)
        .strokeColor(RULE)
        .stroke();
      doc
        .fontSize(8)
        .fillColor(MUTED)
        .text(label, x + 8, y + 7, { width: w - 16, lineBreak: false });
      doc
        .fontSize(13)
        .fillColor(INK)
        .text(value, x + 8, y + 19, { width: w - 16, lineBreak: false });
    });
    doc.y = top + Math.ceil(cells.length / cols) * h;
    doc.x = this.left;
  }

  private map(): void {
    const { doc, r } = this;
    this.heading(L.map);
    const boxH = 300;
    this.room(boxH + 30);
    const x0 = this.left;
    const y0 = doc.y;
    doc.rect(x0, y0, this.width, boxH).lineWidth(0.5).strokeColor(RULE).stroke();
    const bounds = reportMapBounds(r);
    if (bounds) {
      const p = projection(bounds, { width: this.width, height: boxH, margin: 8 });
      const at = (q: readonly [number, number]): [number, number] => {
        const [x, y] = p(q);
        return [x0 + x, y0 + y];
      };
      doc.save().rect(x0, y0, this.width, boxH).clip();
      this.rings(r.regionBoundary, p, x0, y0, { fill: '#f3f4f6', stroke: '#9ca3af', width: 0.8 });
      this.rings(r.event.bufferRing, p, x0, y0, { stroke: '#f76b15', width: 0.8, dash: true });
      this.rings(r.event.perimeter, p, x0, y0, { fill: '#fde8e8', stroke: PRIORITY_COLORS[0], width: 1.6 });
      for (const i of r.incidents) {
        const [x, y] = at(i.position);
        doc
          .rect(x - 3.5, y - 3.5, 7, 7)
          .lineWidth(0.8)
          .fillColor('#ffffff')
          .strokeColor(INK)
          .fillAndStroke();
      }
      // P4 first, so the most urgent lie on top.
      for (const a of [...r.alarms].sort((a, b) => b.priority - a.priority)) {
        const [x, y] = at(a.position);
        doc
          .circle(x, y, 2.6)
          .fillColor(PRIORITY_COLORS[a.priority - 1] ?? MUTED)
          .fill();
      }
      for (const post of r.posts) {
        const [x, y] = at(post.position);
        doc
          .polygon([x, y - 5], [x + 4.5, y + 3.5], [x - 4.5, y + 3.5])
          .lineWidth(0.6)
          .fillColor('#1d4ed8')
          .strokeColor('#ffffff')
          .fillAndStroke();
      }
      doc.restore();
    }
    doc.y = y0 + boxH + 6;
    this.legend();
  }

  private rings(
    rings: readonly (readonly [number, number])[][],
    p: Projection,
    x0: number,
    y0: number,
    s: { fill?: string; stroke: string; width: number; dash?: boolean },
  ): void {
    const { doc } = this;
    let any = false;
    for (const ring of rings) {
      const pts = ringPoints(ring, p);
      if (pts.length < 2) continue;
      any = true;
      pts.forEach(([x, y], i) => (i === 0 ? doc.moveTo(x0 + x, y0 + y) : doc.lineTo(x0 + x, y0 + y)));
      doc.closePath();
    }
    if (!any) return;
    doc.lineWidth(s.width).strokeColor(s.stroke);
    if (s.dash) doc.dash(4, { space: 3 });
    if (s.fill) doc.fillColor(s.fill).fillAndStroke(s.fill, s.stroke, 'even-odd');
    else doc.stroke();
    doc.undash();
  }

  private legend(): void {
    const { doc } = this;
    const y = doc.y + 4;
    let x = this.left;
    const label = (text: string) => {
      doc
        .fontSize(8)
        .fillColor(MUTED)
        .text(text, x, y - 3, { lineBreak: false });
      x += doc.widthOfString(text) + 14;
    };
    doc
      .rect(x, y - 2, 12, 6)
      .fillColor('#f3f4f6')
      .strokeColor('#9ca3af')
      .lineWidth(0.6)
      .fillAndStroke();
    x += 16;
    label(L.legend.region);
    doc
      .dash(3, { space: 2 })
      .moveTo(x, y + 1)
      .lineTo(x + 12, y + 1)
      .strokeColor('#f76b15')
      .lineWidth(0.8)
      .stroke();
    doc.undash();
    x += 16;
    label(L.legend.buffer);
    doc
      .rect(x, y - 2, 12, 6)
      .fillColor('#fde8e8')
      .strokeColor(PRIORITY_COLORS[0])
      .lineWidth(1)
      .fillAndStroke();
    x += 16;
    label(L.legend.perimeter);
    doc
      .polygon([x + 4, y - 4], [x + 8.5, y + 4], [x - 0.5, y + 4])
      .fillColor('#1d4ed8')
      .fill();
    x += 12;
    label(L.legend.post);
    doc
      .rect(x, y - 2.5, 6, 6)
      .lineWidth(0.8)
      .fillColor('#ffffff')
      .strokeColor(INK)
      .fillAndStroke();
    x += 10;
    label(L.legend.incident);
    PRIORITY_COLORS.forEach((c, i) => {
      doc
        .circle(x + 3, y + 1, 2.6)
        .fillColor(c)
        .fill();
      x += 8;
      label(L.priority[i]!);
      x -= 6;
    });
    label(L.legend.alarm);
    doc.fillColor(INK);
    doc.x = this.left;
    doc.y = y + 12;
  }

  /** A table that continues on the next pages, its header repeated. */
  private table(cols: Column[], rows: string[][]): void {
    const { doc } = this;
    const pad = 3;
    const size = 8.5;
    const scale = this.width / cols.reduce((s, c) => s + c.width, 0);
    const widths = cols.map((c) => c.width * scale);
    const line = (cells: string[], y: number, color: string) => {
      let x = this.left;
      doc.fontSize(size).fillColor(color);
      cells.forEach((cell, i) => {
        doc.text(cell, x + pad, y + pad, { width: widths[i]! - 2 * pad, align: cols[i]!.align ?? 'left' });
        x += widths[i]!;
      });
    };
    const heightOf = (cells: string[]) =>
      Math.max(
        ...cells.map((cell, i) => doc.fontSize(size).heightOfString(cell || ' ', { width: widths[i]! - 2 * pad })),
      ) +
      2 * pad;
    const head = () => {
      const h = heightOf(cols.map((c) => c.title));
      const y = doc.y;
      doc.rect(this.left, y, this.width, h).fillColor('#f6f8fa').fill();
      line(
        cols.map((c) => c.title),
        y,
        MUTED,
      );
      doc.y = y + h;
    };
    this.room(40);
    head();
    if (rows.length === 0) {
      doc
        .fontSize(size)
        .fillColor(MUTED)
        .text(L.none, this.left + pad, doc.y + pad);
      doc.moveDown(0.3);
      return;
    }
    for (const row of rows) {
      const cells = row.map((c) => this.t(c));
      const h = heightOf(cells);
      if (doc.y + h > this.bottom) {
        doc.addPage();
        head();
      }
      const y = doc.y;
      line(cells, y, INK);
      doc
        .moveTo(this.left, y + h)
        .lineTo(this.left + this.width, y + h)
        .lineWidth(0.3)
        .strokeColor(RULE)
        .stroke();
      doc.y = y + h;
    }
    doc.x = this.left;
    doc.fillColor(INK);
  }

  private forces(): void {
    this.heading(L.forces);
    this.table(
      [
        { title: L.cols.post, width: 3 },
        { title: L.cols.kind, width: 1.2 },
        { title: L.cols.units, width: 5 },
        { title: L.cols.staff, width: 3 },
      ],
      this.r.posts.map((p) => [
        p.name,
        L.postKind[p.kind] ?? p.kind,
        p.units
          .map((u) => `${u.name}（${L.unitKind[u.kind] ?? u.kind}·${L.unitStatus[u.status] ?? u.status}）`)
          .join('、') || '—',
        p.staff.join('、') || '—',
      ]),
    );
  }

  private escalationTable(): void {
    this.heading(L.escalations);
    const state = (i: ReportIncident) => L.incidentStatus[i.status] ?? i.status;
    this.table(
      [
        { title: L.cols.code, width: 2.6 },
        { title: L.cols.title, width: 4 },
        { title: L.cols.priority, width: 0.9, align: 'center' },
        { title: L.cols.state, width: 1.8 },
        { title: L.cols.escalations, width: 0.9, align: 'center' },
        { title: L.cols.breaches, width: 1.8 },
      ],
      this.r.escalations.map((i) => [
        i.code,
        i.title,
        L.priority[i.priority - 1] ?? String(i.priority),
        state(i),
        String(i.escalations),
        i.breaches.map((b) => L.stage[b] ?? b).join('、') || '—',
      ]),
    );
  }

  private timelineTable(): void {
    const { r } = this;
    this.heading(L.timeline);
    this.table(
      [
        { title: L.cols.time, width: 2.4 },
        { title: L.cols.what, width: 0.9 },
        { title: L.cols.label, width: 4 },
        { title: L.cols.action, width: 2.2 },
        { title: L.cols.priority, width: 0.9, align: 'center' },
      ],
      r.timeline.map((e) => [
        beijing(e.at, true),
        e.kind === 'alarm' ? L.kindAlarm : L.kindIncident,
        e.label,
        (L.action[e.action] ?? e.action) + (e.toStatus ? `（${L.incidentStatus[e.toStatus] ?? e.toStatus}）` : ''),
        L.priority[e.priority - 1] ?? String(e.priority),
      ]),
    );
    if (r.timelineTruncated > 0)
      this.doc
        .moveDown(0.3)
        .fontSize(8.5)
        .fillColor(MUTED)
        .text(L.timelineTruncated(r.timelineTruncated, r.timeline.length), this.left, this.doc.y);
  }

  /** Every page: the event's name and the page's number, in the bottom margin. */
  private footers(): void {
    const { doc } = this;
    const range = doc.bufferedPageRange();
    const name = this.t(this.r.event.name);
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const bottomMargin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0; // writing in the margin must not open a page
      const y = doc.page.height - bottomMargin + 14;
      doc
        .fontSize(8)
        .fillColor(MUTED)
        .text(`${name} · ${this.r.window.final ? L.final : L.interimMark}`, this.left, y, {
          width: this.width / 2,
          lineBreak: false,
        });
      doc.text(L.page(i - range.start + 1, range.count), this.left + this.width / 2, y, {
        width: this.width / 2,
        align: 'right',
        lineBreak: false,
      });
      doc.page.margins.bottom = bottomMargin;
    }
  }
}

/** The report's PDF, drawn whole and not yet ended: pipe it to where it goes, then `end()` it. */
export function reportPdf(report: MajorEventReport): PDFKit.PDFDocument {
  return new ReportPdf(report).draw();
}

/** The report's PDF as bytes (tests, scripts). */
export function reportPdfBytes(report: MajorEventReport): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = reportPdf(report);
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}
