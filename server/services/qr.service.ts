/**
 * QR codes printed for communities and grids (issue 6): each opens the citizen's report page with
 * its region filled in. Rendered as SVG on the hub (qrcode), for whoever may read that region.
 */
import QRCode from 'qrcode';
import type { AuthContext } from '../auth/context';
import type { WorldService } from './world.service';
import { authorize } from '../auth/policy';
import { HttpError } from '../core/http-errors';
import { ErrorCode } from '@shared/errors';

export class QrService {
  constructor(private readonly world: Pick<WorldService, 'regionName'>) {}

  /** The report page's QR code for a community (12 digits) or grid (15 digits) that exists, at `origin` (scheme and host). */
  async reportPageSvg(ctx: AuthContext, code: string, origin: string): Promise<string> {
    authorize(ctx.principal, 'world:read', code);
    if (code.length !== 12 && code.length !== 15)
      throw new HttpError(
        400,
        ErrorCode.RequestInvalid,
        'params.code: QR codes are made for communities (12 digits) and grids (15 digits)',
      );
    await this.world.regionName(code);
    return QRCode.toString(`${origin}/report?region=${code}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  }
}
