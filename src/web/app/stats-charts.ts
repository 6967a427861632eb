import type { IntentDay, ResponseTimes, StepStats } from '../../stats/index.ts';
import { formatDuration } from '../../stats/index.ts';
import { escapeHtml } from '../pages.ts';

/**
 * The stats page's charts as inline SVG drawn on the server: no chart library and no script, and
 * no style attributes (the CSP allows only /static/app.css), so colours come from classes in
 * APP_CSS and geometry from SVG attributes. Class names are fixed strings, never data; every label
 * from the database goes through escapeHtml.
 */

const e = escapeHtml;
/** Coordinates with at most one decimal, so the markup stays short. */
const n = (value: number) => String(Math.round(value * 10) / 10);

/** The intents a chart colours, in stack order (most hopeful at the bottom); anything else is "other". */
export const CHART_INTENTS = [
  'meeting_request',
  'interested',
  'question',
  'not_now',
  'wrong_person',
  'not_interested',
  'unsubscribe',
  'unclear',
] as const;
const intentClass = (intent: string) =>
  (CHART_INTENTS as readonly string[]).includes(intent) ? `i-${intent.replaceAll('_', '-')}` : 'i-other';

function svg(id: string, title: string, description: string, width: number, height: number, body: string): string {
  return `<svg class="chart" id="${e(id)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${e(id)}-title ${e(id)}-desc" xmlns="http://www.w3.org/2000/svg">
<title id="${e(id)}-title">${e(title)}</title><desc id="${e(id)}-desc">${e(description)}</desc>
${body}</svg>`;
}

function legend(items: ReadonlyArray<{ label: string; className: string }>): string {
  return `<ul class="legend">${items.map((i) => `<li><svg width="10" height="10" aria-hidden="true"><rect class="${i.className}" width="10" height="10"/></svg>${e(i.label)}</li>`).join('')}</ul>`;
}

/** Per step, three bars: sent, delivered, replied, on one scale (the most sent). */
export function funnelChart(id: string, steps: readonly StepStats[]): string {
  const labelWidth = 150;
  const barArea = 420;
  const bar = 11;
  const rowHeight = 3 * bar + 14;
  const max = Math.max(1, ...steps.map((s) => s.sent));
  const series = [
    { key: 'sent', label: 'sent', className: 's-sent' },
    { key: 'delivered', label: 'delivered', className: 's-delivered' },
    { key: 'replied', label: 'replied', className: 's-replied' },
  ] as const;
  const rows = steps.map((step, row) => {
    const top = row * rowHeight + 6;
    const label = `${step.position ?? '–'}. ${step.stepId}`;
    const bars = series.map((s, i) => {
      const value = step[s.key];
      const width = (value / max) * barArea;
      const y = top + i * bar;
      return (
        `<rect class="${s.className}" x="${labelWidth}" y="${n(y)}" width="${n(width)}" height="${bar - 2}"><title>${e(step.stepId)}: ${value} ${s.label}</title></rect>` +
        `<text class="chart-value" x="${n(labelWidth + width + 4)}" y="${n(y + bar - 3)}">${value}</text>`
      );
    });
    return `<text class="chart-label" x="0" y="${n(top + 1.5 * bar + 3)}">${e(label.length > 22 ? `${label.slice(0, 21)}…` : label)}</text>${bars.join('')}`;
  });
  const height = Math.max(1, steps.length) * rowHeight + 6;
  const description = steps.map((s) => `${s.stepId}: ${s.sent} sent, ${s.delivered} delivered, ${s.replied} replied`).join('; ');
  return svg(id, 'Funnel by step', description || 'No steps.', labelWidth + barArea + 40, height, rows.join('\n')) + legend(series);
}

/** Replies per day, stacked by intent. */
export function intentsChart(id: string, days: readonly IntentDay[]): string {
  const width = 640;
  const height = 200;
  const left = 28;
  const bottom = 20;
  const plotHeight = height - bottom - 8;
  const plotWidth = width - left - 4;
  const max = Math.max(1, ...days.map((d) => d.total));
  const slot = days.length === 0 ? plotWidth : plotWidth / days.length;
  const barWidth = Math.max(1, slot * 0.8);
  const order = [...CHART_INTENTS, 'other'] as const;
  const columns = days.map((day, i) => {
    const x = left + i * slot + (slot - barWidth) / 2;
    let y = height - bottom;
    const segments: string[] = [];
    for (const intent of order) {
      const count =
        intent === 'other'
          ? Object.entries(day.byIntent)
              .filter(([k]) => !(CHART_INTENTS as readonly string[]).includes(k))
              .reduce((a, [, v]) => a + v, 0)
          : (day.byIntent[intent] ?? 0);
      if (count === 0) continue;
      const h = (count / max) * plotHeight;
      y -= h;
      segments.push(
        `<rect class="${intentClass(intent)}" x="${n(x)}" y="${n(y)}" width="${n(barWidth)}" height="${n(h)}"><title>${e(day.day)}: ${count} ${e(intent)}</title></rect>`,
      );
    }
    return segments.join('');
  });
  // A date under the first and last day, and about five in between.
  const step = Math.max(1, Math.ceil(days.length / 6));
  const ticks = days
    .map((day, i) => ({ day, i }))
    .filter(({ i }) => i % step === 0 || i === days.length - 1)
    .map(
      ({ day, i }) =>
        `<text class="chart-axis" x="${n(left + i * slot + slot / 2)}" y="${height - 5}" text-anchor="middle">${e(day.day.slice(5))}</text>`,
    );
  const axis =
    `<line class="chart-rule" x1="${left}" y1="${height - bottom}" x2="${width - 4}" y2="${height - bottom}"/>` +
    `<text class="chart-axis" x="${left - 4}" y="${height - bottom - plotHeight + 8}" text-anchor="end">${max}</text>` +
    `<text class="chart-axis" x="${left - 4}" y="${height - bottom}" text-anchor="end">0</text>`;
  const total = days.reduce((a, d) => a + d.total, 0);
  const present = order.filter((intent) =>
    days.some((d) =>
      intent === 'other'
        ? Object.keys(d.byIntent).some((k) => !(CHART_INTENTS as readonly string[]).includes(k))
        : (d.byIntent[intent] ?? 0) > 0,
    ),
  );
  return (
    svg(
      id,
      'Replies per day by intent',
      `${total} replies over ${days.length} days (UTC).`,
      width,
      height,
      `${axis}${columns.join('')}${ticks.join('')}`,
    ) + legend(present.map((intent) => ({ label: intent.replaceAll('_', ' '), className: intentClass(intent) })))
  );
}

/** How long replies waited for a rep's first answer, in the report's buckets. */
export function responseChart(id: string, times: ResponseTimes): string {
  const width = 360;
  const height = 190;
  const bottom = 22;
  const plotHeight = height - bottom - 22;
  const slot = (width - 8) / times.histogram.length;
  const max = Math.max(1, ...times.histogram.map((b) => b.count));
  const bars = times.histogram.map((b, i) => {
    const h = (b.count / max) * plotHeight;
    const x = 4 + i * slot + slot * 0.15;
    const y = height - bottom - h;
    return (
      `<rect class="bar-response" x="${n(x)}" y="${n(y)}" width="${n(slot * 0.7)}" height="${n(h)}"><title>${e(b.bucket)}: ${b.count}</title></rect>` +
      `<text class="chart-value" x="${n(x + slot * 0.35)}" y="${n(y - 4)}" text-anchor="middle">${b.count}</text>` +
      `<text class="chart-axis" x="${n(x + slot * 0.35)}" y="${height - 6}" text-anchor="middle">${e(b.bucket)}</text>`
    );
  });
  const rule = `<line class="chart-rule" x1="4" y1="${height - bottom}" x2="${width - 4}" y2="${height - bottom}"/>`;
  const description = `${times.answered} answers; median ${formatDuration(times.medianMs)}, 90th percentile ${formatDuration(times.p90Ms)}.`;
  return svg(id, 'Time to first human response', description, width, height, rule + bars.join(''));
}
