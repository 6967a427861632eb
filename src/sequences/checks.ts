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
  return problems;
}
