import { deliveryStore, enrollmentStore, mailboxStore, replyStore, type Database, type TaskDoc } from '../db/index.ts';
import type { Sequence } from '../sequences/index.ts';

/** Prints, per lead, the steps that went out, the reply and what it did; then the task queue. */
export async function printSummary(
  db: Database,
  sequence: Sequence,
  tasks: readonly TaskDoc[],
  messagesAtSink: number,
  out: (line: string) => void,
): Promise<void> {
  const enrollments = await enrollmentStore(db).inSequence(sequence.id);
  out('');
  out(`=== What happened (${messagesAtSink} emails reached the SMTP sink) ===`);
  for (const enrollment of enrollments) {
    out('');
    out(`${enrollment.email}  -> enrollment ${enrollment.status}${enrollment.statusReason ? ` (${enrollment.statusReason})` : ''}`);
    const sent = await deliveryStore(db).sentInThread(enrollment._id);
    for (const delivery of sent) {
      const thread = delivery.inReplyTo ? `in thread, In-Reply-To ${delivery.inReplyTo}` : `new thread ${delivery.messageId}`;
      out(`  sent step ${delivery.stepIndex + 1} "${delivery.stepId}": "${delivery.subject}" (${thread})`);
    }
    for (const skip of enrollment.skippedSteps) out(`  skipped step "${skip.stepId}": ${skip.reason}`);
    const notSent = sequence.steps.filter((s) => !enrollment.passedStepIds.includes(s.id)).map((s) => s.id);
    if (notSent.length > 0 && enrollment.status !== 'active') out(`  not sent: ${notSent.join(', ')}`);
    const replies = await replyStore(db).inThread(enrollment._id);
    for (const reply of replies) {
      out(`  reply (matched by ${reply.matchedBy}): "${oneLine(reply.visibleText)}"`);
      out(`    intent ${reply.intent} (${(reply.confidence ?? 0).toFixed(2)}): ${reply.explanation}`);
    }
  }
  out('');
  out('=== Task queue for reps (most urgent first) ===');
  if (tasks.length === 0) out('  (empty)');
  for (const task of tasks) {
    const assignee = task.assignee ? ` -> ${task.assignee}` : '';
    out(
      `  P${task.priority}  ${task.intent.padEnd(14)} ${task.email.padEnd(26)} ${(task.confidence * 100).toFixed(0)}% ${task.explanation}${assignee}`,
    );
  }
  const unmatched = await replyStore(db).countUnmatched();
  const quarantined = await mailboxStore(db).countQuarantined();
  out('');
  out(`Unmatched replies: ${unmatched}. Quarantined messages: ${quarantined}.`);
}

function oneLine(text: string, max = 90): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
