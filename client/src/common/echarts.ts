/**
 * ECharts, tree-shaken: only the charts and components our pages draw, the canvas renderer, and
 * the built-in dark theme. Never import this module statically: `useChart` imports it on first use,
 * so it lands in its own chunk that only pages that chart load (never the desk's first load).
 */
import { use, init, type EChartsType } from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendPlainComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, LineChart, PieChart, GridComponent, LegendPlainComponent, TooltipComponent, CanvasRenderer]);

/** A chart on `el` in the dark theme (ECharts registers 'dark' itself). */
export function createChart(el: HTMLElement): EChartsType {
  return init(el, 'dark', { renderer: 'canvas' });
}
