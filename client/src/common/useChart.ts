/**
 * One ECharts chart on an element: created when the element mounts (ECharts loaded on first use),
 * given the option whenever it changes (replaced, not merged, so a series that went away goes),
 * resized with its container, disposed on unmount.
 */
import { onBeforeUnmount, onMounted, shallowRef, watch, type Ref } from 'vue';
import { useResizeObserver } from '@vueuse/core';
import type { EChartsCoreOption, EChartsType } from 'echarts/core';

export function useChart(el: Ref<HTMLElement | null>, option: Ref<EChartsCoreOption | null>) {
  const chart = shallowRef<EChartsType | null>(null);
  let disposed = false;

  function apply(): void {
    if (chart.value && option.value) chart.value.setOption(option.value, { notMerge: true });
    else chart.value?.clear();
  }

  onMounted(async () => {
    const { createChart } = await import('./echarts');
    if (disposed || !el.value) return;
    chart.value = createChart(el.value);
    apply();
  });
  watch(option, apply);
  useResizeObserver(el, () => chart.value?.resize());
  onBeforeUnmount(() => {
    disposed = true;
    chart.value?.dispose();
    chart.value = null;
  });

  return { chart };
}
