import type deskZh from './desk.zh-CN';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

/** English strings of the desk view; same keys as desk.zh-CN.ts. */
export default {
  nav: {
    desk: 'Dispatch desk',
    overview: 'City overview',
    analysis: 'Analysis',
    admin: 'Administration',
    qr: 'QR codes',
  },
  map: {
    styleFailed: 'The basemap failed to load; showing the operational layers only; retrying…',
    customStyleFailed:
      'The configured map style could not be loaded ({reason}); using the built-in offline basemap; retrying…',
    loadingLayers: 'Loading layers…',
    layerFailed: 'Layer {layer} failed to load: {reason}',
    controls: {
      title: 'Map',
      zoomIn: 'Zoom in',
      zoomOut: 'Zoom out',
      resetBearing: 'Drag to rotate the map, click to reset north',
      meters: 'm',
      kilometers: 'km',
    },
  },
  layers: {
    title: 'Layers',
    cameras: 'Cameras',
    grids: 'Grids',
    regions: 'Administrative boundaries',
    zones: 'Alert zones / railway fences',
    railway: 'Railway and speakers',
    smartCommunities: 'Smart communities',
    facilities: 'Hospitals / schools / police kiosks',
    units: 'Field units',
    trails: 'Unit trails (last 15 min)',
    measure: 'Grid theme',
    measureNone: 'None',
    measureCameraDensity: 'Camera density (per km²)',
    legend: 'Legend',
    cameraKinds: { city_hd: 'City HD', ai: 'AI camera', social: 'Social', community: 'Community', railway: 'Railway' },
    cameraStatus: { offline: 'Offline', alarming: 'Alarming' },
    zoneKinds: {
      key_person: 'Key-person circle',
      landmark: 'Landmark / crowded place',
      hospital: 'Hospital',
      school: 'School',
      community: 'Compound',
      railway: 'Railway fence',
    },
    facilityKinds: { hospital: 'Hospital', school: 'School', police_kiosk: 'Police kiosk' },
    unitStatus: { available: 'Available', busy: 'Busy', offline: 'Offline' },
    aggregated: 'Zoomed out, cameras are counted per district and street',
  },
  regions: { title: 'Regions', all: 'Whole city', filtered: 'Filtered: {name}', clear: 'Clear filter' },
  search: {
    placeholder: 'Search camera id/name, grid, community, place',
    nothing: 'Nothing found for “{q}”',
    kinds: {
      cameras: 'Camera',
      grids: 'Grid',
      communities: 'Community',
      streets: 'Street',
      districts: 'District',
      facilities: 'Place',
      'smart-communities': 'Compound',
    },
  },
  grid: {
    title: 'Grid',
    code: 'Grid code',
    path: 'Region',
    cameras: 'Cameras',
    density: 'Camera density',
    area: 'Area',
    workers: 'Grid workers',
    noWorker: 'No grid worker assigned',
    close: 'Close',
  },
} satisfies Shape<typeof deskZh>;
