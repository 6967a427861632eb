import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TaskDoc } from '../../db/index.ts';
import { attachTriageTask, dismissTriageTask, type TaskActionResult } from '../../tasks/index.ts';
import { repOf } from './auth.ts';
import type { RepAppOptions } from './index.ts';
import type { TaskPageModel } from './pages.ts';
import { FAILURES, taskRow } from './view-models.ts';

type Params = { Params: { id: string } };
type Action = 'attach' | 'dismiss';

/** Bytes of a triage action's body: an address, an id and a short reason. */
const BODY_LIMIT = 16 * 1024;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** The triage and referral parts of a task page's model. */
export function triageModels(task: TaskDoc): Pick<TaskPageModel, 'triage' | 'referral'> {
  const { triage, referral } = task;
  return {
    ...(triage && {
      triage: {
        sender: triage.sender,
        messages: triage.messages,
        suggestion: triage.suggestion && {
          email: triage.suggestion.email,
          note: triage.suggestion.note,
          enrollmentId: triage.suggestion.enrollmentId,
          sameAddress: triage.suggestion.reason === 'same_address',
        },
        attached: triage.attached && { email: triage.attached.email, enrollmentId: triage.attached.enrollmentId, by: triage.attached.by },
        dismissed: triage.dismissed && { reason: triage.dismissed.reason, by: triage.dismissed.by },
      },
    }),
    ...(referral && { referral: { name: referral.name, email: referral.email, role: referral.role, action: referral.action } }),
  };
}

/** Attach a triage task to a contact, or dismiss it: form posts (redirect back) and the JSON API, behind the same login and CSRF check. */
export function registerTriageRoutes(app: FastifyInstance, options: RepAppOptions): void {
  const { db, now } = options;

  async function perform(request: FastifyRequest<Params>, action: Action): Promise<TaskActionResult> {
    const rep = repOf(request);
    const body = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
    if (action === 'dismiss') return dismissTriageTask(db, request.params.id, rep, str(body.reason)?.slice(0, 500) ?? '', now());
    const contact = str(body.contact);
    if (!contact || contact.length > 320) return { ok: false, code: 'invalid', message: FAILURES.invalid.text };
    const enrollmentId = str(body.enrollmentId)?.slice(0, 200);
    return attachTriageTask(db, request.params.id, rep, { contactEmail: contact, enrollmentId }, now());
  }

  for (const action of ['attach', 'dismiss'] as const) {
    app.post<Params>(`/tasks/:id/${action}`, { bodyLimit: BODY_LIMIT }, async (request, reply) => {
      const result = await perform(request, action);
      return reply.redirect(`/tasks/${encodeURIComponent(request.params.id)}?notice=${result.ok ? action : result.code}`, 303);
    });
    app.post<Params>(`/api/tasks/:id/${action}`, { bodyLimit: BODY_LIMIT }, async (request, reply) => {
      const result = await perform(request, action);
      if (result.ok) return { task: taskRow(result.task, now()) };
      return reply.code(FAILURES[result.code].status).send({ error: result.code, message: result.message });
    });
  }
}
