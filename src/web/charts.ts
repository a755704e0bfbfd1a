import * as echarts from 'echarts';
import Handlebars from 'handlebars';

/**
 * Charts as SVG strings, rendered on the server by Apache ECharts' SSR renderer: no canvas
 * binaries, no script in the page. ECharts' own `aria` option only works on a live DOM, so each
 * SVG gets its accessible name here (role="img", an aria-label and a <title> saying the figures).
 */

export interface Series {
  name: string;
  values: (number | null)[];
}

const PALETTE = ['#0b5cab', '#b3261e', '#1b7f3b', '#8a4b08', '#5b3fa0'];

function render(option: echarts.EChartsCoreOption, width: number, height: number, summary: string): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, color: PALETTE, textStyle: { fontFamily: 'sans-serif', color: '#222' }, ...option });
    const svg = chart.renderToSVGString();
    const label = Handlebars.escapeExpression(summary);
    // Sized by the page (max-width 100%), described for screen readers.
    return svg.replace(/^<svg /, `<svg role="img" aria-label="${label}" preserveAspectRatio="xMinYMin meet" `).replace(/(<svg[^>]*>)/, `$1<title>${label}</title>`);
  } finally {
    chart.dispose();
  }
}

const fmt = (v: number | null, unit: string) => (v === null ? 'sin datos' : `${Number.isInteger(v) ? v : v.toFixed(2)}${unit === 'percent' ? ' %' : unit === 'hours' ? ' h' : ''}`);

/** One indicator month by month: bars with their values written on them. */
export function monthlyChartSvg(opts: { title: string; months: string[]; series: Series[]; unit: string; width?: number; height?: number }): string {
  const summary = `${opts.title}: ${opts.series.map((s) => `${opts.series.length > 1 ? `${s.name}: ` : ''}${opts.months.map((m, i) => `${m} ${fmt(s.values[i] ?? null, opts.unit)}`).join(', ')}`).join('; ')}`;
  return render(
    {
      grid: { left: 40, right: 12, top: opts.series.length > 1 ? 30 : 16, bottom: 28 },
      ...(opts.series.length > 1 ? { legend: { top: 0, textStyle: { fontSize: 11 } } } : {}),
      xAxis: { type: 'category', data: opts.months, axisLabel: { fontSize: 11 } },
      yAxis: { type: 'value', minInterval: 1, ...(opts.unit === 'percent' ? { max: 100 } : {}), axisLabel: { fontSize: 11 } },
      series: opts.series.map((s) => ({ name: s.name, type: 'bar', data: s.values, label: { show: true, position: 'top', fontSize: 11 } })),
    },
    opts.width ?? 420,
    opts.height ?? 200,
    summary,
  );
}

/** Counts by category (e.g. claims by term state): horizontal bars. */
export function categoryChartSvg(opts: { title: string; categories: { label: string; count: number }[]; width?: number }): string {
  const summary = `${opts.title}: ${opts.categories.map((c) => `${c.label} ${c.count}`).join(', ')}`;
  return render(
    {
      grid: { left: 150, right: 30, top: 8, bottom: 24 },
      xAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: 11 } },
      yAxis: { type: 'category', data: opts.categories.map((c) => c.label), inverse: true, axisLabel: { fontSize: 11 } },
      series: [{ type: 'bar', data: opts.categories.map((c) => c.count), label: { show: true, position: 'right', fontSize: 11 } }],
    },
    opts.width ?? 420,
    40 + opts.categories.length * 28,
    summary,
  );
}
