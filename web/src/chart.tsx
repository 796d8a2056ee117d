/**
 * An ECharts canvas that follows the theme and its container's size. ECharts (line and bar charts
 * only) is loaded on first use, so pages without charts never download it.
 */
import type { ECElementEvent, ECharts, EChartsCoreOption } from 'echarts/core';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { useEffect, useRef } from 'react';
import type { echarts as EChartsNamespace } from './echarts-setup';
import { useTheme } from './theme';

export type ChartOption = ComposeOption<LineSeriesOption | BarSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

type EChartsModule = typeof EChartsNamespace;
let loading: Promise<EChartsModule> | null = null;

function loadECharts(): Promise<EChartsModule> {
  loading ??= import('./echarts-setup').then((m) => m.echarts);
  return loading;
}

export function Chart({ option, height = 280, label, onClick }: { option: ChartOption; height?: number; label: string; onClick?: (params: ECElementEvent) => void }) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const optionRef = useRef(option);
  optionRef.current = option;
  const theme = useTheme();
  const clickRef = useRef(onClick);
  clickRef.current = onClick;

  useEffect(() => {
    let disposed = false;
    let cleanup = () => {};
    void loadECharts().then((echarts) => {
      if (disposed || !container.current) return;
      const instance = echarts.init(container.current, theme === 'dark' ? 'dark' : undefined, { renderer: 'canvas' });
      chart.current = instance;
      instance.on('click', (params) => clickRef.current?.(params as ECElementEvent));
      instance.setOption({ backgroundColor: 'transparent', ...optionRef.current } as EChartsCoreOption, { notMerge: true });
      const observer = new ResizeObserver(() => instance.resize());
      observer.observe(container.current);
      cleanup = () => {
        observer.disconnect();
        instance.dispose();
        chart.current = null;
      };
    });
    return () => {
      disposed = true;
      cleanup();
    };
  }, [theme]);

  useEffect(() => {
    chart.current?.setOption({ backgroundColor: 'transparent', ...option } as EChartsCoreOption, { notMerge: true });
  }, [option]);

  return <div ref={container} className="chart" style={{ height }} role="img" aria-label={label} />;
}
