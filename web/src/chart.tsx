/** An ECharts canvas that follows the theme and its container's size. */
import * as echarts from 'echarts';
import { useEffect, useRef } from 'react';
import { useTheme } from './theme';

export type ChartOption = echarts.EChartsOption;

export function Chart({ option, height = 280, label, onClick }: { option: ChartOption; height?: number; label: string; onClick?: (params: echarts.ECElementEvent) => void }) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const theme = useTheme();
  const clickRef = useRef(onClick);
  clickRef.current = onClick;

  useEffect(() => {
    if (!container.current) return;
    const instance = echarts.init(container.current, theme === 'dark' ? 'dark' : undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('click', (params) => clickRef.current?.(params));
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(container.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [theme]);

  useEffect(() => {
    chart.current?.setOption({ backgroundColor: 'transparent', ...option }, { notMerge: true });
  }, [option, theme]);

  return <div ref={container} className="chart" style={{ height }} role="img" aria-label={label} />;
}
