/** QR codes over HTTP (rules in services/qr.service.ts): a community's or grid's code that opens the citizen's report page. */
import { regionCode } from '@shared/auth';
import { parseInput } from '../core/http-errors';
import { ctxOf, type ApiRoutes } from '../http/auth';
import type { QrService } from '../services/qr.service';

export function qrRoutes(api: ApiRoutes, deps: { qr: QrService }): void {
  api.add(
    'get',
    '/regions/:code/qr.svg',
    { action: 'world:read' },
    {
      summary: 'The QR code of a community or grid, opening the citizen’s report page for it.',
      tags: ['qr'],
      reply: { status: 200, mediaType: 'image/svg+xml', description: 'the QR code as SVG' },
      errors: {
        400: 'not a community (12 digits) or grid (15 digits) code',
        403: 'the region lies outside the scope',
        404: 'no region with that code',
      },
    },
    async (req, res) => {
      const code = parseInput(regionCode, req.params.code, 'params');
      const svg = await deps.qr.reportPageSvg(ctxOf(req), code, `${req.protocol}://${req.get('host')}`);
      res.type('image/svg+xml').set('Cache-Control', 'private, max-age=3600').send(svg);
    },
  );
}
