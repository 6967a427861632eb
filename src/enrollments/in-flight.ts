import { enrollmentStore, type ParleyCollections } from '../db/index.ts';
import { positionOf, type LintFinding, type Sequence } from '../sequences/index.ts';
import { nextStep } from './progress.ts';

export const IN_FLIGHT_RULE = 'in-flight-edits';

/**
 * Lint findings only the database can give: edits to a live sequence that change what contacts
 * already in it receive. A step removed after contacts passed it is harmless but worth knowing;
 * a step added before where contacts already are will never reach them.
 */
export async function inFlightFindings(db: ParleyCollections, sequences: readonly Sequence[]): Promise<LintFinding[]> {
  const findings: LintFinding[] = [];
  for (const sequence of sequences) {
    const inFlight = await enrollmentStore(db).inFlight(sequence.id);
    if (inFlight.length === 0) continue;
    const ids = new Set(sequence.steps.map((s) => s.id));
    const removed = new Map<string, number>();
    const missed = new Map<number, number>();
    for (const { passedStepIds } of inFlight) {
      for (const id of passedStepIds) if (!ids.has(id)) removed.set(id, (removed.get(id) ?? 0) + 1);
      const position = nextStep(sequence, passedStepIds)?.index ?? sequence.steps.length;
      for (const step of sequence.steps.slice(0, position)) {
        if (!passedStepIds.includes(step.id)) missed.set(step.index, (missed.get(step.index) ?? 0) + 1);
      }
    }
    const finding = (path: Array<string | number>, message: string): LintFinding => ({
      ruleId: IN_FLIGHT_RULE,
      level: 'warn',
      ...positionOf(sequence, path),
      message,
    });
    for (const [id, count] of removed) {
      findings.push(
        finding(
          ['steps'],
          `step '${id}' is no longer in the file, and ${count} contact(s) in flight have passed it: they go on with the next step after their place.`,
        ),
      );
    }
    for (const [index, count] of missed) {
      findings.push(
        finding(
          ['steps', index, 'id'],
          `${count} contact(s) in flight are already past this step's place and will not get it; enroll them in a new sequence if they should.`,
        ),
      );
    }
  }
  return findings;
}
