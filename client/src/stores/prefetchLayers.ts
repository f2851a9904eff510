/**
 * Kick off the static layers' and the basemap style's download before the desk's own code has arrived: the layer store and
 * its worker are small, the map libraries are not, and the two downloads should overlap.
 */
import { LAYER_NAMES } from '@shared/layers';
import { useLayerDataStore } from './layerData';
import { prefetchMapStyle } from './basemap';

export function prefetchLayers(): void {
  void useLayerDataStore().ensure(LAYER_NAMES);
  prefetchMapStyle();
}
