/**
 * GB/T 28181 device ids: 20 digits =
 *   centre code (8: the district's 6-digit GB/T 2260 code + 2-digit grass-roots unit, here the
 *   last two digits of the street code) · industry (2) · type (3) · network (1) · serial (6).
 *
 * Codes used by the demo (from GB/T 28181-2016 appendix D):
 *   industry  00 social security, road surface   (city HD, AI cameras)
 *             01 social security, communities    (community cameras, access gates)
 *             07 transport, other                (railway cameras, railway loudspeakers)
 *             50 / 51 / 53 hospitality, finance, business services (social cameras)
 *   type      131 camera, 132 IP camera          (cameras)
 *             137 voice output device            (railway loudspeakers)
 *             139 other peripheral               (smart-community access gates)
 *   network   0 video surveillance private net, 8 social-resource access net
 * The serial counts up per 14-digit prefix, so ids are unique by construction.
 */
export const DEVICE_TYPE = { camera: '131', ipCamera: '132', speaker: '137', gate: '139' } as const;
export const INDUSTRY = {
  road: '00',
  community: '01',
  transportOther: '07',
  hospitality: '50',
  finance: '51',
  business: '53',
} as const;
export const NETWORK = { videoPrivate: '0', socialResource: '8' } as const;

export class DeviceIdAllocator {
  private readonly serials = new Map<string, number>();

  /** `centre` is the 8-digit centre code; see centreCode(). */
  next(centre: string, industry: string, type: string, network: string): string {
    const prefix = centre + industry + type + network;
    if (prefix.length !== 14) throw new Error(`device id prefix must be 14 digits: ${prefix}`);
    const serial = (this.serials.get(prefix) ?? 0) + 1;
    if (serial > 999_999) throw new Error(`device serials exhausted for ${prefix}`);
    this.serials.set(prefix, serial);
    return prefix + String(serial).padStart(6, '0');
  }
}

/** Centre code of a grid: district code (6) + last two digits of its street code. */
export function centreCode(gridCode: string): string {
  return gridCode.slice(0, 6) + gridCode.slice(7, 9);
}
