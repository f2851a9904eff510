/** QR codes over HTTP (rules in services/qr.service.ts): a community's or grid's code that opens the citizen's report page. */
import { regionCode } from '@shared/auth';
import { parseInput } from '../core/http-errors';
import { ctxOf, type ApiRoutes } from '../http/auth';
import type { QrService } from '../services/qr.service';

export function qrRoutes(api: ApiRoutes, deps: { qr: QrService }): void {
  api.add('get', '/regions/:code/qr.svg', { action: 'world:read' }, async (req, res) => {
    const code = parseInput(regionCode, req.params.code, 'params');
    const svg = await deps.qr.reportPageSvg(ctxOf(req), code, `${req.protocol}://${req.get('host')}`);
    res.type('image/svg+xml').set('Cache-Control', 'private, max-age=3600').send(svg);
  });
}
