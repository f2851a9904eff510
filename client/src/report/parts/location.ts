/** A report's location as the form holds it (WGS84): where it came from, for the line under the buttons. */
export interface PickedLocation {
  lon: number;
  lat: number;
  /** 'alarm': the desk took the selected alarm's place. */
  source: 'gps' | 'map' | 'unit' | 'alarm';
  /** Metres, for a GPS reading. */
  accuracy?: number;
}
