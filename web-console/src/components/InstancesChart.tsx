// A uPlot line chart of ready instances over time, sized to its container.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ReadyPoint {
  /** Epoch seconds. */
  time: number;
  ready: number;
}

const HEIGHT = 220;

const toData = (points: ReadyPoint[]): uPlot.AlignedData => [points.map((p) => p.time), points.map((p) => p.ready)];

export function InstancesChart({ points }: { points: ReadyPoint[] }) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = container.current!;
    const axis = { stroke: '#888', grid: { stroke: 'rgba(128, 128, 128, 0.2)' }, ticks: { stroke: 'rgba(128, 128, 128, 0.3)' } };
    const options: uPlot.Options = {
      width: el.clientWidth,
      height: HEIGHT,
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max + 1)] } },
      axes: [axis, { ...axis, incrs: [1, 2, 5, 10, 20, 50, 100] }],
      series: [{}, { label: 'ready', stroke: '#3b82f6', width: 2, fill: 'rgba(59, 130, 246, 0.12)', paths: uPlot.paths.stepped!({ align: 1 }) }],
    };
    chart.current = new uPlot(options, toData(points), el);
    const resize = new ResizeObserver(() => chart.current?.setSize({ width: el.clientWidth, height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setData(toData(points));
  }, [points]);

  return (
    <div class="chart" data-test="instances-chart" role="img" aria-label={describe(points)}>
      <div ref={container} />
      {points.length === 0 && <p class="muted">Waiting for the first state…</p>}
    </div>
  );
}

function describe(points: ReadyPoint[]): string {
  if (points.length === 0) return 'Ready instances: no data yet';
  return `Ready instances over the last ${points.length} updates; now ${points[points.length - 1].ready}`;
}
