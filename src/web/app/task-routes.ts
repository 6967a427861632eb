import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TaskShortIdStore, taskStore, type TaskStatus } from '../../db/index.ts';
import { enrollmentSender } from '../../sending/index.ts';
import { listReps } from '../../reps/index.ts';
import {
  answerTask,
  applyTaskOutcome,
  BULK_MAX,
  bulkNeedsConfirmation,
  bulkTaskAction,
  claimTask,
  defaultAnswerCc,
  getTaskView,
  inboxItems,
  INBOX_VIEWS,
  parseCcList,
  reassignTask,
  relabelTask,
  taskCounts,
  triageAllows,
  type BulkAction,
  type InboxFilter,
  type InboxView,
  type TaskActionResult,
  type TaskOutcome,
  type TaskView,
} from '../../tasks/index.ts';
import { csrfToken, repOf } from './auth.ts';
import type { RepAppOptions } from './index.ts';
import { bulkConfirmPage, confirmPage, inboxPage, TASK_STATES, taskPage, type Notice, type TaskPageModel, type Viewer } from './pages.ts';
import { INTENT_WORDS } from './inbox-words.ts';
import { INTENTS, isIntent } from '../../classify/index.ts';
import { triageModels } from './triage-routes.ts';
import { detailText, FAILURES, noticeFor, snippetsFor, taskRow } from './view-models.ts';

const HTML = 'text/html; charset=utf-8';
/** Characters; a rep's answer is a short plain-text email. */
const MAX_ANSWER = 20_000;
/** Bytes of a task action's body: room for MAX_ANSWER characters, URL-encoded. */
const ACTION_BODY_LIMIT = 256 * 1024;

type Params = { Params: { id: string } };
type Action = 'claim' | 'reply' | 'outcome' | 'relabel';

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const isStatus = (value: unknown): value is TaskStatus => typeof value === 'string' && (TASK_STATES as readonly string[]).includes(value);

function filterOf(query: unknown): InboxFilter {
  const q = typeof query === 'object' && query !== null ? (query as Record<string, unknown>) : {};
  const filter: InboxFilter = {};
  if (isStatus(q.status)) filter.status = q.status;
  if (isIntent(q.intent)) filter.intent = q.intent;
  const assignee = str(q.assignee);
  if (assignee) filter.assignee = assignee.slice(0, 320).toLowerCase();
  if (typeof q.view === 'string' && (INBOX_VIEWS as readonly string[]).includes(q.view)) filter.view = q.view as InboxView;
  const sequence = str(q.sequence);
  if (sequence) filter.sequenceId = sequence.slice(0, 200);
  const search = str(q.q)?.trim();
  if (search) filter.search = search.slice(0, 200);
  return filter;
}

const HOUR = 60 * 60_000;

/** The bulk bar's choice (`assign:<rep>`, `unassign`, `snooze:1h|1d|7d`, `close`); undefined when it is none. */
function bulkActionOf(value: unknown, now: Date): BulkAction | undefined {
  if (typeof value !== 'string') return undefined;
  if (value === 'close') return { kind: 'close' };
  if (value === 'unassign') return { kind: 'unassign' };
  if (value.startsWith('assign:')) {
    const to = value.slice('assign:'.length).trim().toLowerCase();
    return to && to.length <= 320 ? { kind: 'assign', to } : undefined;
  }
  const hours = { 'snooze:1h': 1, 'snooze:1d': 24, 'snooze:7d': 24 * 7 }[value];
  return hours ? { kind: 'snooze', until: new Date(now.getTime() + hours * HOUR) } : undefined;
}

const idsOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value])
    .filter((v): v is string => typeof v === 'string' && v !== '' && v.length <= 1024)
    .slice(0, BULK_MAX);

/** Where the bulk form goes back to: the inbox with its filters, never another site. */
const backOf = (value: unknown): string =>
  typeof value === 'string' && /^\/(\?[^\s]*)?$/.test(value) && value.length <= 2000 ? value : '/';

const BULK_DONE: Record<BulkAction['kind'], string> = {
  assign: 'assigned',
  unassign: 'back in the pool',
  snooze: 'snoozed',
  close: 'closed',
};

/** The notice after a bulk action, from counts only (the query string carries no text to show). */
function bulkNotice(query: Record<string, unknown>): Notice | undefined {
  const kind = query.bulk;
  if (typeof kind !== 'string' || !Object.hasOwn(BULK_DONE, kind)) return undefined;
  const count = (v: unknown) => (typeof v === 'string' && /^\d{1,4}$/.test(v) ? Number(v) : 0);
  const done = count(query.done);
  const refused = count(query.refused);
  const text = `${done} task${done === 1 ? '' : 's'} ${BULK_DONE[kind as BulkAction['kind']]}.${refused > 0 ? ` ${refused} not: someone else holds ${refused === 1 ? 'it' : 'them'}, or ${refused === 1 ? 'it is' : 'they are'} not yours to change.` : ''}`;
  return { kind: refused > 0 && done === 0 ? 'error' : 'ok', text };
}

const viewerOf = (request: FastifyRequest): Viewer => {
  const rep = repOf(request);
  return { email: rep._id, name: rep.name, role: rep.role };
};

/** Reads an outcome from a form or JSON body; undefined when it is not a valid one. */
function outcomeOf(body: Record<string, unknown>, options: RepAppOptions): TaskOutcome | undefined {
  const kind = body.kind;
  if (kind === 'resume' || kind === 'stop' || kind === 'done' || kind === 'qualified') return { kind };
  if (kind === 'move') {
    const sequenceId = str(body.sequenceId);
    return sequenceId && options.getSequence(sequenceId) ? { kind, sequenceId } : undefined;
  }
  if (kind === 'snooze') {
    const until = str(body.until);
    if (!until || !/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/.test(until)) return undefined;
    const at = new Date(until);
    return Number.isNaN(at.getTime()) || at.getTime() <= options.now().getTime() ? undefined : { kind, until: at };
  }
  return undefined;
}

/** The fields an outcome or relabel form carries, posted again by the confirm page. */
function confirmFields(body: unknown): Array<[string, string]> {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  return ['kind', 'sequenceId', 'until', 'intent'].flatMap((name): Array<[string, string]> => {
    const value = fields[name];
    return typeof value === 'string' ? [[name, value.slice(0, 200)]] : [];
  });
}

/** Who the answer goes to and from, for the form: the rep sees (and may edit) the CC list before sending. */
function answerModel(view: TaskView, options: RepAppOptions): TaskPageModel['answer'] {
  const sequence = options.getSequence(view.task.sequenceId);
  // The enrollment's own mailbox (a pool's), as answerTask sends from.
  const sender = sequence ? enrollmentSender(sequence, view.enrollment ?? undefined) : undefined;
  return {
    cc: defaultAnswerCc(view.reply ?? {}, view.task.email, sender?.address),
    from: sender ? `${sender.name} <${sender.address}>` : undefined,
  };
}

export function registerTaskRoutes(app: FastifyInstance, options: RepAppOptions): void {
  const { db, now } = options;

  async function perform(request: FastifyRequest<Params>, action: Action): Promise<TaskActionResult> {
    const rep = repOf(request);
    const id = request.params.id;
    const body = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
    const invalid: TaskActionResult = { ok: false, code: 'invalid', message: FAILURES.invalid.text };
    if (action !== 'claim') {
      const task = await taskStore(db).get(id);
      if (task && !triageAllows(task, action, typeof body.kind === 'string' ? body.kind : undefined))
        return { ok: false, code: 'invalid', message: 'Attach this triage task to a contact first (or dismiss it).' };
    }
    // Set by the confirm page's form (or an API client that asked the rep): see confirmPage.
    const confirmed = body.confirmed === 'yes' || body.confirmed === true;
    switch (action) {
      case 'claim':
        return claimTask(db, id, rep, now(), options.taskSettings);
      case 'reply': {
        const text = str(body.text)?.trim();
        if (!text || text.length > MAX_ANSWER) return invalid;
        // The form always sends its CC field (prefilled with reply-all): what the rep left there goes.
        const ccField =
          typeof body.cc === 'string'
            ? body.cc
            : Array.isArray(body.cc)
              ? body.cc.filter((c) => typeof c === 'string').join(',')
              : undefined;
        const cc = ccField === undefined ? undefined : parseCcList(ccField.slice(0, 10_000));
        if (cc && !cc.ok) return { ok: false, code: 'invalid', message: cc.message };
        return answerTask(db, options.transport, id, rep, text, {
          cc: cc?.cc,
          messageIdDomain: options.messageIdDomain,
          getSequence: options.getSequence,
          now: now(),
        });
      }
      case 'outcome': {
        const outcome = outcomeOf(body, options);
        return outcome ? applyTaskOutcome(db, id, rep, outcome, { getSequence: options.getSequence, now: now(), confirmed }) : invalid;
      }
      case 'relabel':
        return isIntent(body.intent)
          ? relabelTask(db, id, rep, body.intent, { getSequence: options.getSequence, now: now(), confirmed })
          : invalid;
    }
  }

  /** The inbox's rows and counts for this rep and these filters. */
  async function inbox(request: FastifyRequest) {
    const rep = repOf(request);
    const filter = filterOf(request.query);
    // In turn: reading the items wakes snoozed tasks and reopens lapsed claims, which the counts then include.
    const items = await inboxItems(db, rep, filter, now());
    const counts = await taskCounts(db, rep);
    const at = now();
    return { filter, counts, rows: items.map((item) => taskRow(item.task, at, item.preview)) };
  }

  app.get('/', async (request, reply) => {
    const { filter, counts, rows } = await inbox(request);
    const viewer = viewerOf(request);
    const assignable = viewer.role === 'admin' ? (await listReps(db)).map((r) => r._id) : [];
    return reply.type(HTML).send(
      inboxPage({
        viewer,
        csrf: csrfToken(request, reply),
        tasks: rows,
        counts,
        filter,
        intents: INTENTS.map((i) => [i, INTENT_WORDS[i]] as const),
        sequences: [...options.listSequences().map((s) => s.id)].sort(),
        assignable,
        notice: bulkNotice(request.query as Record<string, unknown>),
      }),
    );
  });

  app.post('/tasks/bulk', { bodyLimit: ACTION_BODY_LIMIT }, async (request, reply) => {
    const body = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
    const back = backOf(body.back);
    const action = bulkActionOf(body.action, now());
    const ids = idsOf(body.ids);
    if (!action || ids.length === 0) return reply.redirect(back, 303);
    const rep = repOf(request);
    const confirmed = body.confirmed === 'yes';
    const question = confirmed ? undefined : await bulkNeedsConfirmation(db, ids, action);
    if (question) {
      const fields: Array<[string, string]> = [
        ['action', String(body.action)],
        ['back', back],
        ...ids.map((id): [string, string] => ['ids', id]),
      ];
      return reply.type(HTML).send(bulkConfirmPage({ question, fields, back, viewer: viewerOf(request), csrf: csrfToken(request, reply) }));
    }
    const result = await bulkTaskAction(db, rep, ids, action, {
      getSequence: options.getSequence,
      now: now(),
      confirmed,
      taskSettings: options.taskSettings,
    });
    const separator = back.includes('?') ? '&' : '?';
    return reply.redirect(`${back}${separator}bulk=${action.kind}&done=${result.done.length}&refused=${result.refused.length}`, 303);
  });

  app.get<Params & { Querystring: { notice?: string } }>('/tasks/:id', async (request, reply) => {
    const view = await getTaskView(db, request.params.id, repOf(request));
    if (!view) return reply.code(404).type('text/plain; charset=utf-8').send(FAILURES.not_found.text);
    const model: TaskPageModel = {
      task: taskRow(view.task, now()),
      explanation: view.task.explanation,
      senderConcern: view.task.senderConcern?.note,
      namedDate: view.task.namedDate,
      authentication: view.authentication,
      contact: {
        email: view.contact?.email ?? view.task.email,
        name: [view.contact?.firstName, view.contact?.lastName].filter(Boolean).join(' '),
        company: view.contact?.company,
        signals: Object.entries(view.contact?.qualification ?? {})
          .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
          .map(([k, v]) => [k, String(v)]),
      },
      enrollment: view.enrollment
        ? { sequenceId: view.enrollment.sequenceId, status: view.enrollment.status, reason: view.enrollment.statusReason }
        : undefined,
      thread: view.thread.map((t) => ({ kind: t.kind, at: t.at, from: t.from, subject: t.subject, text: t.text, intent: t.intent })),
      events: view.events.map((ev) => ({ at: ev.at, by: ev.by, action: ev.action, detail: detailText(ev.detail) })),
      answer: answerModel(view, options),
      sequences: [...options.listSequences()],
      intents: INTENTS,
      snippets: snippetsFor(view.task.intent, options.getSequence(view.task.sequenceId)?.calendarLink),
      notice: noticeFor(request.query.notice),
      assignable: repOf(request).role === 'admin' ? (await listReps(db)).map((r) => r._id) : undefined,
      ...triageModels(view.task),
      shortId: await new TaskShortIdStore(db.db).shortIdOf(view.task._id),
    };
    return reply.type(HTML).send(taskPage(model, viewerOf(request), csrfToken(request, reply)));
  });

  for (const action of ['claim', 'reply', 'outcome', 'relabel'] as const) {
    // Form posts answer with a redirect back to the task (post/redirect/get) naming the result.
    app.post<Params>(`/tasks/:id/${action}`, { bodyLimit: ACTION_BODY_LIMIT }, async (request, reply: FastifyReply) => {
      const result = await perform(request, action);
      if (!result.ok && result.code === 'needs_confirmation') {
        return reply.type(HTML).send(
          confirmPage({
            taskId: request.params.id,
            action,
            question: result.message,
            fields: confirmFields(request.body),
            viewer: viewerOf(request),
            csrf: csrfToken(request, reply),
          }),
        );
      }
      const notice = result.ok ? action : result.code;
      return reply.redirect(`/tasks/${encodeURIComponent(request.params.id)}?notice=${notice}`, 303);
    });
    app.post<Params>(`/api/tasks/:id/${action}`, { bodyLimit: ACTION_BODY_LIMIT }, async (request, reply) => {
      const result = await perform(request, action);
      if (result.ok) return { task: taskRow(result.task, now()) };
      return reply.code(FAILURES[result.code].status).send({ error: result.code, message: result.message });
    });
  }

  // Reassigning is an admin's decision: a rep gets 403 and nothing changes.
  async function assign(request: FastifyRequest<Params>): Promise<TaskActionResult> {
    const body = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
    return reassignTask(db, request.params.id, repOf(request), str(body.to)?.trim() || undefined, now());
  }
  app.post<Params>('/tasks/:id/assign', { bodyLimit: ACTION_BODY_LIMIT }, async (request, reply) => {
    const result = await assign(request);
    if (!result.ok && result.code === 'forbidden') return reply.code(403).type('text/plain; charset=utf-8').send(result.message);
    return reply.redirect(`/tasks/${encodeURIComponent(request.params.id)}?notice=${result.ok ? 'assign' : result.code}`, 303);
  });
  app.post<Params>('/api/tasks/:id/assign', { bodyLimit: ACTION_BODY_LIMIT }, async (request, reply) => {
    const result = await assign(request);
    if (result.ok) return { task: taskRow(result.task, now()) };
    return reply.code(FAILURES[result.code].status).send({ error: result.code, message: result.message });
  });

  app.get('/api/tasks', async (request) => {
    const { counts, rows } = await inbox(request);
    return { tasks: rows, counts };
  });

  app.get<Params>('/api/tasks/:id', async (request, reply) => {
    const view = await getTaskView(db, request.params.id, repOf(request));
    if (!view) return reply.code(404).send({ error: 'not_found', message: FAILURES.not_found.text });
    return {
      task: taskRow(view.task, now()),
      explanation: view.task.explanation,
      senderConcern: view.task.senderConcern,
      authentication: view.reply?.authentication,
      contact: view.contact
        ? {
            email: view.contact.email,
            firstName: view.contact.firstName,
            lastName: view.contact.lastName,
            company: view.contact.company,
            qualification: view.contact.qualification,
          }
        : undefined,
      enrollment: view.enrollment
        ? { id: view.enrollment._id, sequenceId: view.enrollment.sequenceId, status: view.enrollment.status }
        : undefined,
      thread: view.thread,
      events: view.events,
      ...(view.task.triage && { triage: view.task.triage }),
      ...(view.task.referral && { referral: view.task.referral }),
    };
  });
}
