/**
 * Rules that span several steps. They read the raw YAML value rather than zod's output because
 * zod skips whole-array refinements as soon as any one step has an error, and a writer fixing a
 * file wants every problem at once.
 */
export interface CrossStepProblem {
  path: (string | number)[];
  message: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function crossStepProblems(raw: unknown): CrossStepProblem[] {
  return [...senderProblems(raw), ...stepProblems(raw)];
}

/** Not both `sender:` and `senders:`; a pool names each mailbox once. */
function senderProblems(raw: unknown): CrossStepProblem[] {
  if (!isRecord(raw)) return [];
  if (raw.sender !== undefined && raw.senders !== undefined)
    return [{ path: ['senders'], message: 'write either sender (one mailbox) or senders (a pool), not both' }];
  if (!Array.isArray(raw.senders)) return [];
  const seen = new Set<string>();
  const problems: CrossStepProblem[] = [];
  raw.senders.forEach((entry, i) => {
    const address = isRecord(entry) && typeof entry.address === 'string' ? entry.address.toLowerCase() : undefined;
    if (address === undefined) return;
    if (seen.has(address))
      problems.push({ path: ['senders', i, 'address'], message: `'${address}' is listed twice; name each mailbox once` });
    seen.add(address);
  });
  return problems;
}

function stepProblems(raw: unknown): CrossStepProblem[] {
  if (!isRecord(raw) || !Array.isArray(raw.steps)) return [];
  const steps: unknown[] = raw.steps;
  const problems: CrossStepProblem[] = [];
  const first = steps[0];
  if (isRecord(first) && first.subject === undefined) {
    problems.push({ path: ['steps', 0, 'subject'], message: "missing required field 'subject': the first step starts the thread" });
  }
  const seen = new Map<string, number>();
  steps.forEach((step, index) => {
    if (!isRecord(step) || typeof step.id !== 'string') return;
    const earlier = seen.get(step.id);
    if (earlier === undefined) seen.set(step.id, index);
    else
      problems.push({
        path: ['steps', index, 'id'],
        message: `duplicate step id '${step.id}', also used by steps[${earlier}]; step ids must be unique`,
      });
  });
  steps.forEach((step, index) => problems.push(...variantProblems(step, index)));
  return problems;
}

/**
 * A variant's id is unique in its step and is not `a` (the step's own text); it changes the
 * subject or the body; a subject only where the step sets one, since a follow-up keeps the
 * thread's subject and a different one would never be seen.
 */
function variantProblems(step: unknown, index: number): CrossStepProblem[] {
  if (!isRecord(step) || !Array.isArray(step.variants)) return [];
  const variants: unknown[] = step.variants;
  const problems: CrossStepProblem[] = [];
  const seen = new Set<string>(['a']);
  variants.forEach((v, i) => {
    if (!isRecord(v)) return;
    const at = (field: string) => ['steps', index, 'variants', i, field];
    if (typeof v.id === 'string') {
      if (seen.has(v.id))
        problems.push({
          path: at('id'),
          message: v.id === 'a' ? "'a' is the step's own text; give the variant another id" : `duplicate variant id '${v.id}'`,
        });
      seen.add(v.id);
    }
    if (v.subject === undefined && v.body === undefined)
      problems.push({ path: ['steps', index, 'variants', i], message: 'a variant needs a subject or a body that differs from the step' });
    if (v.subject !== undefined && step.subject === undefined)
      problems.push({
        path: at('subject'),
        message: "this step replies in the thread and keeps the thread's subject; vary the subject where the step sets one",
      });
  });
  return problems;
}
