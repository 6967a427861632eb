import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import {
  defaultIntentModel,
  evaluate,
  evaluateQuoteStripping,
  evaluationSet,
  loadQuoteFixtures,
  parseLabeledReplies,
  type EvaluationReport,
  type Intent,
  type QuoteStripReport,
} from '../classify/index.ts';

/** Column headings of the confusion matrix, short enough for a terminal. */
const SHORT: Readonly<Record<Intent, string>> = {
  interested: 'INT',
  meeting_request: 'MTG',
  question: 'QST',
  not_now: 'LATER',
  not_interested: 'NO',
  wrong_person: 'WHO',
  unsubscribe: 'UNSUB',
  out_of_office: 'OOO',
  auto_reply: 'AUTO',
  bounce: 'BNC',
  unclear: 'UNCL',
};

/** `parley classify eval`: the default model on the held-out replies, and quote stripping on the fixtures. */
export function classifyEvalCommand(): Command {
  return new Command('eval')
    .description('measure the classifier on the held-out corpus replies and quote stripping on the .eml fixtures')
    .option('--fixtures <folder>', 'folder of NAME.eml + NAME.expected.txt pairs', 'test/fixtures/replies')
    .option('--set <file>', 'score intents on this labeled set instead (JSON Lines: {"intent": ..., "text": ...} a line)')
    .option('--json', 'print the figures as JSON')
    .action(async (options: { fixtures: string; set?: string; json?: boolean }, command: Command) => {
      const labeled = options.set ? parseLabeledReplies(await readFile(options.set, 'utf8')) : undefined;
      if (labeled?.errors.length) command.error(`${options.set}: ${labeled.errors.join('; ')}`);
      const testSet = labeled?.examples ?? evaluationSet();
      const intents = evaluate(defaultIntentModel(), testSet);
      const source = options.set ? `replies of ${options.set}` : 'held-out corpus replies (never trained on by the default model)';
      const { parseInboundMessage } = await import('../inbound/inbound-message.ts');
      const quoteStripping = await evaluateQuoteStripping(await loadQuoteFixtures(options.fixtures), parseInboundMessage);
      if (options.json) console.log(JSON.stringify({ intents, quoteStripping }, null, 2));
      else console.log([...intentTable(intents, source), '', ...confusionTable(intents), '', ...quoteLines(quoteStripping)].join('\n'));
    });
}

function intentTable(report: EvaluationReport, source: string): string[] {
  const lines = [
    `Intents: ${report.total} ${source}`,
    `${'intent'.padEnd(16)} ${'support'.padStart(7)} ${'precision'.padStart(9)} ${'recall'.padStart(7)} ${'F1'.padStart(5)}`,
  ];
  for (const m of report.perIntent) {
    lines.push(
      `${m.intent.padEnd(16)} ${String(m.support).padStart(7)} ${fixed(m.precision).padStart(9)} ${fixed(m.recall).padStart(7)} ${fixed(m.f1).padStart(5)}`,
    );
  }
  lines.push(
    `accuracy ${fixed(report.accuracy)}   macro F1 ${fixed(report.macroF1)}   unclear rate ${fixed(report.unclearRate)}   accuracy when labelled ${fixed(report.labelledAccuracy)}   calibration error (ECE) ${fixed(report.calibrationError)}`,
  );
  return lines;
}

function confusionTable({ confusion }: EvaluationReport): string[] {
  const width = Math.max(...confusion.labels.map((l) => SHORT[l].length)) + 1;
  const header = `${'expected \\ predicted'.padEnd(22)}${confusion.labels.map((l) => SHORT[l].padStart(width)).join('')}`;
  const rows = confusion.labels.map(
    (label, i) => `${label.padEnd(22)}${(confusion.counts[i] ?? []).map((n) => String(n || '.').padStart(width)).join('')}`,
  );
  return ['Confusion matrix (rows: expected, columns: predicted)', header, ...rows];
}

function quoteLines(report: QuoteStripReport): string[] {
  const lines = [`Quote stripping: ${report.passed}/${report.total} fixtures (${fixed(report.score)})`];
  for (const miss of report.misses)
    lines.push(`miss ${miss.name}`, `  expected: ${JSON.stringify(miss.expected)}`, `  actual:   ${JSON.stringify(miss.actual)}`);
  return lines;
}

function fixed(n: number): string {
  return n.toFixed(2);
}
