import type { Folded, OutcomeRef, ReplyRecord, StatsOptions } from './folded.ts';
import { intentDays } from './intent-days.ts';
import { OPT_OUT_WARNING_RATE, POSITIVE_INTENTS, rate } from './rates.ts';
import { summarizeResponseTimes } from './response-times.ts';
import type { ConversationMetrics, SequenceStats, StatsReport, StepStats } from './types.ts';
import { compareVariants, variantStats } from './variants.ts';

/** Enrollments per metric for one step or one sequence. Sets, so every count is of distinct enrollments. */
class Tally {
  readonly sent = new Set<string>();
  readonly delivered = new Set<string>();
  readonly replied = new Set<string>();
  readonly positive = new Set<string>();
  readonly qualified = new Set<string>();
  readonly unsubscribed = new Set<string>();
  readonly responseMs: number[] = [];

  metrics(qualifiedAnywhere: ReadonlySet<string>): ConversationMetrics {
    const delivered = this.delivered.size;
    const repliedQualified = [...this.replied].filter((e) => qualifiedAnywhere.has(e)).length;
    const optOutRate = rate(this.unsubscribed.size, delivered);
    return {
      sent: this.sent.size,
      delivered,
      bounced: this.sent.size - delivered,
      replied: this.replied.size,
      positive: this.positive.size,
      qualified: this.qualified.size,
      unsubscribed: this.unsubscribed.size,
      repliedQualified,
      replyRate: rate(this.replied.size, delivered),
      positiveReplyRate: rate(this.positive.size, delivered),
      qualificationRate: rate(this.qualified.size, delivered),
      optOutRate,
      optOutWarning: optOutRate.value !== undefined && optOutRate.value > OPT_OUT_WARNING_RATE,
      conversationToPipeline: rate(repliedQualified, this.replied.size),
      responseTimes: summarizeResponseTimes(this.responseMs),
    };
  }
}

class SequenceTally {
  readonly total = new Tally();
  readonly steps = new Map<string, Tally>();
  /** Enrollments whose `qualified` counts here, for conversation-to-pipeline at every level. */
  readonly qualifiedEnrollments = new Set<string>();
  readonly replies: ReplyRecord[] = [];

  step(stepId: string): Tally {
    let tally = this.steps.get(stepId);
    if (!tally) this.steps.set(stepId, (tally = new Tally()));
    return tally;
  }
}

/** Where an outcome counts: its enrollment's sequence, and its step when that step's email was sent in the period. */
interface Counted {
  sequenceId: string;
  /** Undefined when the event names no step: the sequence's total only. */
  step: string | undefined;
}

/** The counting behind StatsReport; the definitions are in types.ts and docs/METRICS.md. */
export function tallyReport(f: Folded, options: StatsOptions): StatsReport {
  const tallies = new Map<string, SequenceTally>();
  const tallyOf = (sequenceId: string): SequenceTally => {
    let tally = tallies.get(sequenceId);
    if (!tally) tallies.set(sequenceId, (tally = new SequenceTally()));
    return tally;
  };

  for (const [enrollmentId, { sequenceId, steps }] of f.sends) {
    const seq = tallyOf(sequenceId);
    seq.total.sent.add(enrollmentId);
    for (const stepId of steps) {
      const step = seq.step(stepId);
      step.sent.add(enrollmentId);
      if (f.hardBounces.get(enrollmentId)?.has(stepId)) continue;
      step.delivered.add(enrollmentId);
      seq.total.delivered.add(enrollmentId);
    }
  }

  // Outcomes count only for the emails of the period: the enrollment got a step in it, and the
  // step the outcome names (if it names one) is among them.
  const counted = (ref: OutcomeRef): Counted | undefined => {
    const sends = f.sends.get(ref.enrollmentId);
    if (!sends) return undefined;
    if (ref.stepId === undefined) return { sequenceId: sends.sequenceId, step: undefined };
    return sends.steps.has(ref.stepId) ? { sequenceId: sends.sequenceId, step: ref.stepId } : undefined;
  };
  const talliesFor = (c: Counted): Tally[] => {
    const seq = tallyOf(c.sequenceId);
    return c.step === undefined ? [seq.total] : [seq.total, seq.step(c.step)];
  };

  const countedReplies = new Map<string, Counted>();
  const repliesByEnrollment = new Map<string, ReplyRecord[]>();
  for (const [replyId, reply] of f.replies) {
    const c = counted(reply);
    if (!c) continue;
    countedReplies.set(replyId, c);
    const ofEnrollment = repliesByEnrollment.get(reply.enrollmentId) ?? [];
    ofEnrollment.push(reply);
    repliesByEnrollment.set(reply.enrollmentId, ofEnrollment);
    tallyOf(c.sequenceId).replies.push(reply);
    for (const t of talliesFor(c)) {
      t.replied.add(reply.enrollmentId);
      if (POSITIVE_INTENTS.has(reply.intent)) t.positive.add(reply.enrollmentId);
    }
  }

  for (const unsubscribe of f.unsubscribes) {
    const c = counted(unsubscribe);
    if (c) for (const t of talliesFor(c)) t.unsubscribed.add(unsubscribe.enrollmentId);
  }

  for (const q of f.qualified) {
    const c = counted({ ...q, stepId: undefined });
    if (!c) continue;
    const seq = tallyOf(c.sequenceId);
    seq.qualifiedEnrollments.add(q.enrollmentId);
    const credited = creditedStep(repliesByEnrollment.get(q.enrollmentId) ?? [], q.at);
    for (const t of talliesFor({ ...c, step: credited })) t.qualified.add(q.enrollmentId);
  }

  const allResponseMs: number[] = [];
  for (const answer of f.answers) {
    const c = countedReplies.get(answer.replyId);
    if (!c) continue;
    allResponseMs.push(answer.ms);
    for (const t of talliesFor(c)) t.responseMs.push(answer.ms);
  }

  const outlines = options.sequences.filter((s) => options.sequenceId === undefined || s.id === options.sequenceId);
  const ids = outlines.map((s) => s.id);
  const extra = [...new Set([...tallies.keys(), ...f.enrolled.keys()])].filter((id) => !ids.includes(id)).sort();
  const allReplies = [...tallies.values()].flatMap((t) => t.replies);
  const days = intentDays(allReplies, options);
  const sequences: SequenceStats[] = [...ids, ...extra].map((sequenceId) => {
    const outline = outlines.find((s) => s.id === sequenceId);
    const seq = tallyOf(sequenceId);
    const fileSteps = outline?.stepIds ?? [];
    const stepIds = [...fileSteps, ...[...seq.steps.keys()].filter((s) => !fileSteps.includes(s)).sort()];
    const steps: StepStats[] = stepIds.map((stepId) => {
      const index = fileSteps.indexOf(stepId);
      const step = seq.step(stepId);
      return {
        stepId,
        position: index < 0 ? undefined : index + 1,
        ...step.metrics(seq.qualifiedEnrollments),
        ...variantsOf(step, stepId, f.variants),
      };
    });
    const enrolled = f.enrolled.get(sequenceId) ?? { enrolled: 0, completed: 0 };
    return {
      sequenceId,
      name: outline?.name,
      steps,
      total: seq.total.metrics(seq.qualifiedEnrollments),
      completion: rate(enrolled.completed, enrolled.enrolled),
      intentsByDay: days.forReplies(seq.replies),
    };
  });

  return {
    period: options.period,
    asOf: options.asOf,
    sequenceId: options.sequenceId,
    sequences,
    intentsByDay: days.forReplies(allReplies),
    responseTimes: summarizeResponseTimes(allResponseMs),
  };
}

/**
 * The step a qualification is credited to: the one the enrollment last replied to before it
 * qualified (else its latest reply at all, for clocks a little apart); none without a counted reply.
 * Replies at the same millisecond go by step id, so the credit does not depend on the order the
 * events were read in (from the events or from day summaries).
 */
function creditedStep(replies: readonly ReplyRecord[], at: Date): string | undefined {
  const withStep = replies
    .filter((r) => r.stepId !== undefined)
    .sort(
      (a, b) => a.at.getTime() - b.at.getTime() || ((a.stepId ?? '') < (b.stepId ?? '') ? -1 : (a.stepId ?? '') > (b.stepId ?? '') ? 1 : 0),
    );
  const before = withStep.filter((r) => r.at <= at);
  return (before.at(-1) ?? withStep.at(-1))?.stepId;
}

/**
 * A step's counts split by the variant each enrollment got. The step's own sets already hold only
 * the emails and outcomes of the period, so a variant's are their intersection with its enrollments.
 */
function variantsOf(step: Tally, stepId: string, variants: ReadonlyMap<string, string>): Pick<StepStats, 'variants' | 'variantComparison'> {
  const byVariant = new Map<string, Set<string>>();
  for (const enrollmentId of step.sent) {
    const variant = variants.get(`${enrollmentId}\n${stepId}`);
    if (variant === undefined) continue;
    const set = byVariant.get(variant) ?? new Set<string>();
    set.add(enrollmentId);
    byVariant.set(variant, set);
  }
  if (byVariant.size === 0) return {};
  const only = (of: ReadonlySet<string>, e: ReadonlySet<string>) => new Set([...e].filter((id) => of.has(id)));
  const stats = [...byVariant.keys()].sort().map((id) => {
    const sent = byVariant.get(id) ?? new Set<string>();
    return variantStats(id, {
      sent,
      delivered: only(sent, step.delivered),
      replied: only(sent, step.replied),
      positive: only(sent, step.positive),
    });
  });
  return { variants: stats, variantComparison: compareVariants(stats) };
}
