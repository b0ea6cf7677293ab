import { init, use, type ComposeOption } from 'echarts/core';
import { BarChart, LineChart, PieChart, type BarSeriesOption, type LineSeriesOption, type PieSeriesOption } from 'echarts/charts';
import {
  GridComponent, LegendComponent, MarkLineComponent, TitleComponent,
  type GridComponentOption, type LegendComponentOption, type MarkLineComponentOption, type TitleComponentOption,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { APPLICATION_STATES } from '../../workflows/application.machine.js';
import { APPEAL_KINDS } from '../../workflows/appeal.machine.js';
import { CASE_TERMS } from '../../workflows/terms.js';
import type { Dashboard } from './dashboard.js';

// Charts drawn on the server with Apache ECharts' SVG renderer (no browser, no canvas) and inlined in
// the page: readable without JavaScript. The page's CSP allows no inline styles, so the renderer's
// style attributes become SVG presentation attributes and its <style> block (hover effects) is dropped.

use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, SVGRenderer]);

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | PieSeriesOption | GridComponentOption | LegendComponentOption | MarkLineComponentOption | TitleComponentOption
>;

const FONT = 'sans-serif';
const COLORS = ['#1d4f91', '#e0a100', '#17663a', '#b42318', '#6b4fa0', '#2a8c9e', '#8a5a00', '#54555a'];

// CSS properties that SVG also accepts as presentation attributes.
const PRESENTATION = new Set([
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray', 'opacity', 'font-size', 'font-family',
  'font-weight', 'font-style', 'text-anchor', 'dominant-baseline', 'text-decoration', 'visibility',
]);

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Makes the renderer's SVG fit a page whose CSP forbids inline styles, and labels it for screen readers. */
export function cspSafeSvg(svg: string, label: string): string {
  const out = svg
    .replace(/<style[^>]*>[\s\S]*?<\/style>/g, '')
    .replace(/<[a-zA-Z][^>]*>/g, (tag) => {
      let t = tag.replace(/\secmeta_[a-z_]+="[^"]*"/g, '');
      const m = /\sstyle="([^"]*)"/.exec(t);
      if (!m) return t;
      const attrs = m[1]!.split(';').map((decl) => {
        const i = decl.indexOf(':');
        if (i < 0) return '';
        const prop = decl.slice(0, i).trim().toLowerCase();
        const value = decl.slice(i + 1).trim();
        if (!PRESENTATION.has(prop) || !value || new RegExp(`\\s${prop}="`).test(t)) return '';
        return ` ${prop}="${value}"`;
      }).join('');
      t = t.replace(m[0], attrs);
      return t;
    });
  return out.replace(/^<svg\b/, `<svg role="img" aria-label="${escapeAttr(label)}" class="chart"`)
    .replace(/(<svg\b[^>]*>)/, `$1<title>${escapeAttr(label)}</title>`);
}

/** Renders one chart to an inline SVG string. */
export function renderChart(option: ChartOption, opts: { width: number; height: number; label: string }): string {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width: opts.width, height: opts.height });
  try {
    chart.setOption({ animation: false, color: COLORS, textStyle: { fontFamily: FONT }, ...option });
    return cspSafeSvg(chart.renderToSVGString(), opts.label);
  } finally {
    chart.dispose();
  }
}

const noData = (): TitleComponentOption => ({ text: '本期暂无数据', left: 'center', top: 'middle', textStyle: { color: '#6b7280', fontSize: 14, fontWeight: 'normal' } });
const pct = (r: number | null) => (r === null ? null : Math.round(r * 1000) / 10);

export interface DashboardCharts { open: string; onTime: string; replyTime: string; decisions: string; appeals: string }

const TOP_AGENCIES = 15;

export function dashboardCharts(d: Dashboard): DashboardCharts {
  // Open applications: one stacked bar per agency (the busiest first), one colour per state.
  const shown = d.open.byAgency.slice(0, TOP_AGENCIES);
  const rest = d.open.byAgency.slice(TOP_AGENCIES);
  const rows = [...shown];
  if (rest.length) {
    rows.push({
      code: '', name: `其他 ${rest.length} 个机关`, total: rest.reduce((s, a) => s + a.total, 0), overdue: rest.reduce((s, a) => s + a.overdue, 0),
      byState: Object.fromEntries(d.open.states.map((st) => [st, rest.reduce((s, a) => s + (a.byState[st] ?? 0), 0)])),
    });
  }
  rows.reverse(); // category axes run bottom-up
  const open = renderChart(
    rows.length
      ? {
        legend: { top: 0, textStyle: { fontSize: 12 } },
        grid: { left: 8, right: 24, top: 36, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: { type: 'category', data: rows.map((a) => a.name), axisLabel: { fontSize: 12 } },
        series: d.open.states.map((st) => ({
          type: 'bar' as const, stack: 'open', name: APPLICATION_STATES[st as keyof typeof APPLICATION_STATES] ?? st,
          data: rows.map((a) => a.byState[st] ?? 0), barMaxWidth: 22,
        })),
      }
      : { title: noData() },
    { width: 760, height: Math.max(160, 70 + rows.length * 28), label: `${CASE_TERMS.open}申请按机关和状态：共 ${d.open.total} 件，其中${CASE_TERMS.overdue} ${d.open.overdue} 件` },
  );

  const months = d.replies.byMonth.map((m) => m.month);
  // Issue 13: no label may overlap an axis title. The units go into the tick labels (件, %), not into
  // axis names over the plot, and the grid leaves room above it for the rate labels of the top line.
  const onTime = renderChart(
    {
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 52, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
      xAxis: { type: 'category', data: months },
      yAxis: [
        { type: 'value', minInterval: 1, axisLabel: { formatter: '{value} 件' } },
        { type: 'value', min: 0, max: 100, splitLine: { show: false }, axisLabel: { formatter: '{value}%' } },
      ],
      series: [
        { type: 'bar', name: '答复件数', data: d.replies.byMonth.map((m) => m.replies), barMaxWidth: 28 },
        { type: 'line', name: '按期率', yAxisIndex: 1, data: d.replies.byMonth.map((m) => pct(m.onTimeRate)), connectNulls: false, label: { show: months.length <= 12, formatter: '{c}%', fontSize: 11 } },
      ],
    },
    { width: 760, height: 300, label: `按月按期答复率：期间共答复 ${d.replies.total} 件，按期 ${d.replies.onTime} 件` },
  );

  const replyTime = renderChart(
    {
      grid: { left: 8, right: 8, top: 28, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
      xAxis: { type: 'category', data: months },
      // The statutory line stays on the chart however quick the replies were.
      yAxis: { type: 'value', minInterval: 1, max: (v: { max: number }) => Math.max(24, Math.ceil(v.max / 4) * 4 + 4), name: '工作日', nameTextStyle: { align: 'left' } },
      series: [{
        type: 'bar', name: '答复用时中位数', data: d.replies.byMonth.map((m) => m.medianWorkingDays), barMaxWidth: 28,
        label: { show: months.length <= 12, position: 'top', fontSize: 11 },
        markLine: { symbol: 'none', silent: true, lineStyle: { color: '#b42318', type: 'dashed' }, label: { formatter: '法定 20 个工作日', position: 'insideStartTop', color: '#b42318' }, data: [{ yAxis: 20 }] },
      }],
    },
    { width: 760, height: 280, label: `按月答复用时中位数（工作日）：期间中位数 ${d.replies.medianWorkingDays ?? '—'} 个工作日` },
  );

  const decisions = renderChart(
    d.decisions.total
      ? {
        legend: { orient: 'vertical', left: 0, top: 'middle' },
        series: [{
          type: 'pie', radius: ['30%', '55%'], center: ['58%', '52%'], label: { formatter: '{b}\n{c} 件（{d}%）', fontSize: 12 },
          data: d.decisions.byGroup.filter((g) => g.count > 0).map((g) => ({ name: g.label, value: g.count })),
        }],
      }
      : { title: noData() },
    { width: 680, height: 320, label: `答复类型构成：期间办结 ${d.decisions.total} 件` },
  );

  const kinds = [[APPEAL_KINDS.reconsideration, d.appeals.reconsideration], [APPEAL_KINDS.litigation, d.appeals.litigation]] as const;
  const appeals = renderChart(
    d.appeals.total.decided
      ? {
        legend: { top: 0 },
        grid: { left: 8, right: 24, top: 36, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: { type: 'category', data: kinds.map(([label, s]) => `${label}（纠错率 ${s.correctionRate === null ? '—' : pct(s.correctionRate) + '%'}）`) },
        series: (['upheld', 'corrected', 'other'] as const).map((o, i) => ({
          type: 'bar' as const, stack: 'outcome', name: ['维持', '纠正', '其他'][i]!, data: kinds.map(([, s]) => s[o]), barMaxWidth: 28,
          itemStyle: { color: ['#17663a', '#b42318', '#8a8f98'][i]! }, label: { show: true, fontSize: 11, formatter: (p: { value?: unknown }) => (Number(p.value) ? String(p.value) : '') },
        })),
      }
      : { title: noData() },
    { width: 560, height: 200, label: `复议诉讼审结 ${d.appeals.total.decided} 件，纠正 ${d.appeals.total.corrected} 件` },
  );

  return { open, onTime, replyTime, decisions, appeals };
}
