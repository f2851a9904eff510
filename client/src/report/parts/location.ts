/** A report's location as the form holds it: where it came from, for the line under the buttons. */
export interface PickedLocation {
  lon: number;
  lat: number;
  source: 'gps' | 'map' | 'unit';
  /** Metres, for a GPS reading. */
  accuracy?: number;
}
