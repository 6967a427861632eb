import {
  formatDay,
  formatDuration,
  formatRate,
  OPT_OUT_WARNING_RATE,
  type ConversationMetrics,
  type SequenceStats,
  type StatsReport,
} from '../stats/index.ts';

/** The mark next to an opt-out rate above OPT_OUT_WARNING_RATE, explained under the table. */
const WARNING = '!';

interface Column {
  title: string;
  /** Numbers right-aligned, names left. */
  align: 'left' | 'right';
  cell(m: ConversationMetrics): string;
}

const COLUMNS: Column[] = [
  { title: 'Sent', align: 'right', cell: (m) => String(m.sent) },
  { title: 'Delivered', align: 'right', cell: (m) => String(m.delivered) },
  { title: 'Bounced', align: 'right', cell: (m) => String(m.bounced) },
  { title: 'Replied', align: 'right', cell: (m) => String(m.replied) },
  { title: 'Reply', align: 'right', cell: (m) => formatRate(m.replyRate) },
  { title: 'Positive', align: 'right', cell: (m) => formatRate(m.positiveReplyRate) },
  { title: 'Qualified', align: 'right', cell: (m) => formatRate(m.qualificationRate) },
  { title: 'Opt-out', align: 'right', cell: (m) => `${formatRate(m.optOutRate)}${m.optOutWarning ? ` ${WARNING}` : '  '}` },
  { title: 'Pipeline', align: 'right', cell: (m) => formatRate(m.conversationToPipeline) },
  { title: 'Resp. p50', align: 'right', cell: (m) => formatDuration(m.responseTimes.medianMs) },
  { title: 'Resp. p90', align: 'right', cell: (m) => formatDuration(m.responseTimes.p90Ms) },
];

function table(rows: ReadonlyArray<{ label: string; metrics: ConversationMetrics }>): string[] {
  const grid = [['Step', ...COLUMNS.map((c) => c.title)], ...rows.map((r) => [r.label, ...COLUMNS.map((c) => c.cell(r.metrics))])];
  const widths = grid[0]?.map((_, i) => Math.max(...grid.map((line) => [...(line[i] ?? '')].length))) ?? [];
  const pad = (text: string, i: number) => {
    const fill = ' '.repeat((widths[i] ?? 0) - [...text].length);
    return i === 0 || COLUMNS[i - 1]?.align === 'left' ? text + fill : fill + text;
  };
  return grid.map((line) => line.map(pad).join('  ').trimEnd());
}

function sequenceSection(s: SequenceStats, known: boolean): string[] {
  const title = s.name ? `${s.sequenceId}: ${s.name}` : `${s.sequenceId}${known ? '' : ' (no sequence file by this id)'}`;
  const rows = [
    ...s.steps.map((step) => ({
      label: `${step.position ?? '-'} ${step.stepId}${step.position === undefined && known ? ' (removed)' : ''}`,
      metrics: step,
    })),
    { label: 'Total (people)', metrics: s.total },
  ];
  const completion =
    s.completion.of === 0
      ? 'Completion: nobody enrolled in the period.'
      : `Completion: ${s.completion.count} of ${s.completion.of} enrolled in the period completed (${formatRate(s.completion)}).`;
  const warned = [s.total, ...s.steps].some((m) => m.optOutWarning);
  return [
    title,
    ...table(rows).map((line) => `  ${line}`),
    `  ${completion}`,
    ...s.steps.flatMap(variantLines),
    ...(warned ? [`  ${WARNING} opt-out rate above ${OPT_OUT_WARNING_RATE * 100}% of delivered: these emails turn people away.`] : []),
  ];
}

/** A step's A/B variants, one line each, then the significance note; nothing for a step without variants. */
function variantLines(step: SequenceStats['steps'][number]): string[] {
  if (!step.variants || step.variants.length === 0) return [];
  const grid = [
    ['Variant', 'Sent', 'Replied', 'Reply', 'Positive'],
    ...step.variants.map((v) => [v.variantId, String(v.sent), String(v.replied), formatRate(v.replyRate), formatRate(v.positiveReplyRate)]),
  ];
  const widths = grid[0]?.map((_, i) => Math.max(...grid.map((line) => [...(line[i] ?? '')].length))) ?? [];
  const pad = (text: string, i: number) => (i === 0 ? text.padEnd(widths[i] ?? 0) : text.padStart(widths[i] ?? 0));
  return [
    `  A/B variants of step ${step.position ?? '-'} ${step.stepId}:`,
    ...grid.map((line) => `    ${line.map(pad).join('  ').trimEnd()}`),
    `    ${step.variantComparison?.note ?? ''}`,
  ];
}

/** `parley stats` as text: one table per sequence, a row per step and the total row. */
export function formatStatsReport(report: StatsReport, knownSequences: ReadonlySet<string>): string {
  const { from, to } = report.period;
  const header = [
    `Emails sent from ${formatDay(from)} to ${formatDay(to)} (exclusive), and what came of them up to ${formatDay(report.asOf)}.`,
    'Counts are people (enrollments); rates are of delivered; Pipeline = replied and qualified / replied; "–" = nothing to divide by.',
  ];
  const sections =
    report.sequences.length === 0
      ? [['No sequences and no emails in this period.']]
      : report.sequences.map((s) => sequenceSection(s, knownSequences.has(s.sequenceId)));
  return [...header, ...sections.flatMap((lines) => ['', ...lines])].join('\n');
}
