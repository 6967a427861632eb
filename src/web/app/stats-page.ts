import {
  formatDay,
  formatDuration,
  formatRate,
  OPT_OUT_WARNING_RATE,
  type ConversationMetrics,
  type SequenceStats,
  type StatsReport,
} from '../../stats/index.ts';
import { escapeHtml } from '../pages.ts';
import { layout, type Notice, type Viewer } from './pages.ts';
import { funnelChart, intentsChart, responseChart } from './stats-charts.ts';

/** The stats page: period and sequence pickers (a GET form), the charts, a table per sequence. */

export interface StatsPageModel {
  viewer: Viewer;
  csrf: string;
  /** Undefined when the request's period could not be read (the notice says why). */
  report: StatsReport | undefined;
  /** What the form shows: the period's first and last day (the `to` date is included). */
  form: { from: string; to: string; sequenceId: string | undefined };
  sequences: ReadonlyArray<{ id: string; name: string }>;
  notice?: Notice | undefined;
}

const e = escapeHtml;
/** Quick periods offered as links, in days. */
const QUICK_DAYS = [7, 30, 90];

function picker(model: StatsPageModel): string {
  const options = [{ id: '', name: 'All sequences' }, ...model.sequences].map(
    (s) => `<option value="${e(s.id)}"${s.id === (model.form.sequenceId ?? '') ? ' selected' : ''}>${e(s.name)}</option>`,
  );
  const sequence = model.form.sequenceId ? `&amp;sequence=${e(encodeURIComponent(model.form.sequenceId))}` : '';
  return `<form class="filters" method="get" action="/stats">
<label>From<br><input type="date" name="from" value="${e(model.form.from)}" required></label>
<label>To (included)<br><input type="date" name="to" value="${e(model.form.to)}" required></label>
<label>Sequence<br><select name="sequence">${options.join('')}</select></label>
<button type="submit" class="secondary">Show</button>
<span class="meta">Last ${QUICK_DAYS.map((d) => `<a href="/stats?days=${d}${sequence}">${d} days</a>`).join(' · ')}</span>
</form>`;
}

function rateCell(m: ConversationMetrics, key: 'replyRate' | 'positiveReplyRate' | 'qualificationRate' | 'conversationToPipeline'): string {
  const r = m[key];
  return `<td class="num" title="${r.count} of ${r.of}">${e(formatRate(r))}</td>`;
}

function metricCells(m: ConversationMetrics): string {
  const optOut = `<td class="num${m.optOutWarning ? ' warn' : ''}" title="${m.optOutRate.count} of ${m.optOutRate.of}">${e(formatRate(m.optOutRate))}${m.optOutWarning ? ' <span class="tag overdue">over 3%</span>' : ''}</td>`;
  return [
    `<td class="num">${m.sent}</td><td class="num">${m.delivered}</td><td class="num">${m.bounced}</td><td class="num">${m.replied}</td>`,
    rateCell(m, 'replyRate'),
    rateCell(m, 'positiveReplyRate'),
    rateCell(m, 'qualificationRate'),
    optOut,
    rateCell(m, 'conversationToPipeline'),
    `<td class="num">${e(formatDuration(m.responseTimes.medianMs))}</td><td class="num">${e(formatDuration(m.responseTimes.p90Ms))}</td>`,
  ].join('');
}

const HEAD =
  '<thead><tr><th>Step</th><th class="num">Sent</th><th class="num">Delivered</th><th class="num">Bounced</th><th class="num">Replied</th>' +
  '<th class="num">Reply rate</th><th class="num">Positive</th><th class="num">Qualified</th><th class="num">Opt-out</th><th class="num">Pipeline</th>' +
  '<th class="num" title="Median time to a rep\'s first answer">Resp. p50</th><th class="num" title="90th percentile time to a rep\'s first answer">Resp. p90</th></tr></thead>';

function sequenceCard(s: SequenceStats, index: number): string {
  const title = s.name
    ? `${e(s.name)} <span class="meta">${e(s.sequenceId)}</span>`
    : `${e(s.sequenceId)} <span class="meta">no sequence file</span>`;
  const completion =
    s.completion.of === 0
      ? 'Nobody enrolled in the period.'
      : `Completion: ${s.completion.count} of ${s.completion.of} enrolled in the period completed (${e(formatRate(s.completion))}).`;
  if (s.total.sent === 0)
    return `<section class="card stats-sequence" data-sequence-id="${e(s.sequenceId)}"><h2>${title}</h2><p class="meta">No emails sent in this period. ${completion}</p></section>`;
  const rows = s.steps
    .map(
      (step) =>
        `<tr data-step-id="${e(step.stepId)}"><td>${step.position ?? '–'}. ${e(step.stepId)}${step.position === undefined ? ' <span class="meta">(removed)</span>' : ''}</td>${metricCells(step)}</tr>`,
    )
    .join('');
  const warning = [s.total, ...s.steps].some((m) => m.optOutWarning)
    ? `<p class="notice" role="status">Opt-outs above ${OPT_OUT_WARNING_RATE * 100}% of delivered: these emails turn people away. Look at the marked rows.</p>`
    : '';
  return `<section class="card stats-sequence" data-sequence-id="${e(s.sequenceId)}"><h2>${title}</h2>
${warning}
<div class="scroll"><table class="stats">${HEAD}<tbody>${rows}<tr class="total" data-step-id=""><td>Total (people)</td>${metricCells(s.total)}</tr></tbody></table></div>
<p class="meta">${completion}</p>
${s.steps.map(variantTable).join('')}
${funnelChart(`funnel-${index}`, s.steps)}
</section>`;
}

/** A step's A/B variants side by side, with the significance note (empty for a step without variants). */
function variantTable(step: SequenceStats['steps'][number]): string {
  if (!step.variants || step.variants.length === 0) return '';
  const rows = step.variants
    .map(
      (v) =>
        `<tr data-variant-id="${e(v.variantId)}"><td>${e(v.variantId)}</td><td class="num">${v.sent}</td><td class="num">${v.replied}</td><td class="num">${e(formatRate(v.replyRate))}</td><td class="num">${v.positive}</td><td class="num">${e(formatRate(v.positiveReplyRate))}</td></tr>`,
    )
    .join('');
  return `<div class="stats-variants" data-step-id="${e(step.stepId)}"><h3>A/B variants of ${step.position ?? '–'}. ${e(step.stepId)}</h3>
<div class="scroll"><table class="stats"><thead><tr><th>Variant</th><th class="num">Sent</th><th class="num">Replied</th><th class="num">Reply rate</th><th class="num">Positive</th><th class="num">Positive rate</th></tr></thead><tbody>${rows}</tbody></table></div>
<p class="meta variant-note">${e(step.variantComparison?.note ?? '')}</p></div>`;
}

function intentsTable(report: StatsReport): string {
  const rows = report.intentsByDay
    .filter((d) => d.total > 0)
    .map(
      (d) =>
        `<tr><td>${e(d.day)}</td><td>${Object.entries(d.byIntent)
          .map(([k, v]) => `${e(k)}: ${v}`)
          .join(', ')}</td></tr>`,
    )
    .join('');
  return rows
    ? `<details><summary>Numbers</summary><table id="intents-table"><thead><tr><th>Day (UTC)</th><th>Replies</th></tr></thead><tbody>${rows}</tbody></table></details>`
    : '';
}

export function statsPage(model: StatsPageModel): string {
  const { report } = model;
  const notice = model.notice
    ? `<p class="notice${model.notice.kind === 'ok' ? ' ok' : ''}" role="status">${e(model.notice.text)}</p>`
    : '';
  const body = report
    ? `<p class="meta">Emails sent from ${e(formatDay(report.period.from))} to ${e(formatDay(report.period.to))} (exclusive), and what came of them up to ${e(formatDay(report.asOf))}.
Counts are people (enrollments); rates are of delivered; pipeline is replied and qualified, of replied; “–” means nothing to divide by.</p>
<div class="stats-charts">
<div class="card"><h2>Replies by intent</h2>${intentsChart('intents-chart', report.intentsByDay)}${intentsTable(report)}</div>
<div class="card"><h2>Time to first human response</h2>
<p class="meta">${report.responseTimes.answered} answered · median <strong id="response-median">${e(formatDuration(report.responseTimes.medianMs))}</strong> · 90th percentile <strong id="response-p90">${e(formatDuration(report.responseTimes.p90Ms))}</strong></p>
${responseChart('response-chart', report.responseTimes)}</div>
</div>
${report.sequences.map(sequenceCard).join('\n')}`
    : '';
  return layout('Stats', `<h1>What works</h1>\n${picker(model)}\n${notice}\n${body}`, { viewer: model.viewer, csrf: model.csrf });
}
