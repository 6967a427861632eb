import type { Collection, Filter } from 'mongodb';
import { insertOnce, type TimeBound } from './database.ts';
import type { InboxSignalDoc, RepDoc, TaskClaimDoc, TaskDoc, TaskEventDoc, TaskStatus } from './documents.ts';
import { inboxSignal } from './inbox-signal.ts';
import { taskClaimSlots, type NumberedSlots } from './numbered-slots.ts';

/** Who reads the queue: a rep sees their own and unassigned tasks, an admin all of them. */
export type TaskViewer = Pick<RepDoc, '_id' | 'role'>;

/** Narrows a queue read; absent fields don't narrow. */
export interface TaskQuery {
  status?: TaskStatus | undefined;
  intent?: TaskDoc['intent'] | undefined;
  /** A lower-cased rep address. */
  assignee?: string | undefined;
  /** A sequence id; '' for triage tasks (no sequence yet). */
  sequenceId?: string | undefined;
  /** Leaves done tasks out when no `status` is given (the inbox's default): they pile up for ever. */
  notDone?: boolean | undefined;
}

/** A decision that closes or snoozes a task. */
export type TaskSettled = { status: 'snoozed'; snoozedUntil: Date } | { status: 'done' };

/**
 * The human-response queue's aggregate: tasks (`tasks`), their audit trail (`task_events`) and
 * reps' claims on them (`task_claims`, numbered slots). Reads by `_id` and the queue reads are
 * served by the indexes in database.ts. The status writes below are update filters, which keep a
 * stale write from landing on MongoDB but are not atomic on FerretDB v1 (STACK-NOTES): whatever
 * must happen once (a claim, an escalation) is guarded by a unique insert instead.
 */
export interface TaskStore {
  get(id: string): Promise<TaskDoc | null>;
  /** Inserts a new task; on a duplicate `_id` (someone queued it first) returns the stored one. */
  insert(task: TaskDoc): Promise<{ inserted: TaskDoc } | { existing: TaskDoc }>;
  /** Open tasks, most urgent first, oldest first within a priority, at most `limit`. */
  open(limit: number): Promise<TaskDoc[]>;
  /** The tasks the viewer may see, soonest due first, at most `limit`. */
  visible(viewer: TaskViewer, query: TaskQuery, limit: number): Promise<TaskDoc[]>;
  /** How many tasks in this status the viewer may see. */
  countVisible(viewer: TaskViewer, status: TaskStatus): Promise<number>;
  /** How many tasks are in this status, whoever sees them (an equality count on the `{status, priority, createdAt}` index). */
  countInStatus(status: TaskStatus, bound: TimeBound): Promise<number>;
  /**
   * Per sequence, when its oldest task still waiting for a person (open or claimed) was queued:
   * how old the reply queue is. Reads the waiting tasks' sequence and creation time only.
   */
  oldestWaitingBySequence(bound: TimeBound): Promise<Map<string, Date>>;
  /** Snoozed tasks whose time came by `now`. */
  snoozedUntil(now: Date): Promise<TaskDoc[]>;
  /** Claimed tasks whose mirrored claim ran out by `now`. */
  claimRunOut(now: Date): Promise<TaskDoc[]>;
  /** Open or claimed tasks due before `now` that were never escalated. */
  overdue(now: Date): Promise<TaskDoc[]>;
  /** A snoozed task opens again; false when it is no longer snoozed. */
  wake(id: string): Promise<boolean>;
  /** A claimed task whose claim ran out by `now` opens again; false when that no longer holds. */
  reopenExpired(id: string, now: Date): Promise<boolean>;
  /** Mirrors a claim just taken (the claim slot is the authority) and sets the status; clears a snooze. */
  markClaimed(id: string, claim: NonNullable<TaskDoc['claim']>, status: TaskStatus): Promise<void>;
  markAnswered(id: string, at: Date): Promise<void>;
  /** Snoozes or closes a task (closing clears a snooze). */
  settle(id: string, settled: TaskSettled): Promise<void>;
  /** A rep set the intent by hand (`by`): the row shows that instead of the classifier's confidence. */
  relabel(id: string, intent: TaskDoc['intent'], by: string): Promise<void>;
  markEscalated(id: string, escalated: NonNullable<TaskDoc['escalated']>): Promise<void>;
  /** Gives the task to a rep, or back to the pool (undefined: unassigned; a claimed task opens again). */
  assign(id: string, assignee: string | undefined): Promise<void>;
  /** Tasks not done that are assigned to the rep or claimed by them. */
  heldBy(rep: string): Promise<TaskDoc[]>;
  /** Appends to a task's audit trail; 'duplicate' when an event with this `_id` is there already (how an escalation happens once). */
  appendEvent(event: TaskEventDoc): Promise<'appended' | 'duplicate'>;
  /** A task's audit trail, oldest first: "created" (from the task's `asCreated`), then the events appended. */
  events(taskId: string): Promise<TaskEventDoc[]>;
  /** Reps' claims: key the task id, n the claim number. */
  readonly claims: NumberedSlots<TaskClaimDoc>;
}

/** What a viewer may see, as a filter; `canSee` in src/tasks/list.ts is the same rule on one task. */
function visibleTo(viewer: TaskViewer): Filter<TaskDoc> {
  if (viewer.role === 'admin') return {};
  return {
    $or: [
      { assignee: viewer._id },
      { assignee: { $exists: false }, status: 'open' },
      { assignee: { $exists: false }, 'claim.by': viewer._id },
    ],
  };
}

export function taskStore(collections: {
  tasks: Collection<TaskDoc>;
  taskEvents: Collection<TaskEventDoc>;
  taskClaims: Collection<TaskClaimDoc>;
  /** Absent in a few unit tests only: open inboxes then learn of changes at their next read. */
  inboxSignals?: Collection<InboxSignalDoc>;
}): TaskStore {
  const { tasks, taskEvents } = collections;
  const signal = collections.inboxSignals && inboxSignal({ inboxSignals: collections.inboxSignals });
  // Every write to a task tells the open inboxes (server push, src/web/app/inbox-stream.ts).
  const changed = async <T>(result: T): Promise<T> => {
    await signal?.touch();
    return result;
  };
  const get = (id: string) => tasks.findOne({ _id: id });
  return {
    get,
    async insert(task) {
      if ((await insertOnce(tasks, task)) === 'inserted') return changed({ inserted: task });
      return { existing: (await get(task._id)) ?? task };
    },
    open: (limit) => tasks.find({ status: 'open' }).sort({ priority: 1, createdAt: 1 }).limit(limit).toArray(),
    visible: (viewer, query, limit) =>
      tasks
        .find({
          ...visibleTo(viewer),
          ...(query.status !== undefined ? { status: query.status } : query.notDone ? { status: { $ne: 'done' as const } } : {}),
          ...(query.intent !== undefined && { intent: query.intent }),
          ...(query.assignee !== undefined && { assignee: query.assignee }),
          ...(query.sequenceId !== undefined && { sequenceId: query.sequenceId }),
        })
        .sort({ dueAt: 1, _id: 1 })
        .limit(limit)
        .toArray(),
    countVisible: (viewer, status) => tasks.countDocuments({ ...visibleTo(viewer), status }),
    countInStatus: (status, bound) => tasks.countDocuments({ status }, bound),
    async oldestWaitingBySequence(bound) {
      // FerretDB v1 has no $min accumulator: the waiting tasks (a queue, so few) are folded here.
      const waiting = tasks.find({ status: { $in: ['open', 'claimed'] } }, { projection: { sequenceId: 1, createdAt: 1 }, ...bound });
      const oldest = new Map<string, Date>();
      for await (const task of waiting) {
        const seen = oldest.get(task.sequenceId);
        if (!seen || task.createdAt < seen) oldest.set(task.sequenceId, task.createdAt);
      }
      return oldest;
    },
    snoozedUntil: (now) => tasks.find({ status: 'snoozed', snoozedUntil: { $lte: now } }).toArray(),
    claimRunOut: (now) => tasks.find({ status: 'claimed', 'claim.until': { $lte: now } }).toArray(),
    overdue: (now) => tasks.find({ status: { $in: ['open', 'claimed'] }, dueAt: { $lt: now }, escalated: { $exists: false } }).toArray(),
    async wake(id) {
      const result = await tasks.updateOne({ _id: id, status: 'snoozed' }, { $set: { status: 'open' }, $unset: { snoozedUntil: '' } });
      return changed(result.modifiedCount > 0);
    },
    async reopenExpired(id, now) {
      const result = await tasks.updateOne({ _id: id, status: 'claimed', 'claim.until': { $lte: now } }, { $set: { status: 'open' } });
      return changed(result.modifiedCount > 0);
    },
    async markClaimed(id, claim, status) {
      await changed(await tasks.updateOne({ _id: id }, { $set: { claim, status }, $unset: { snoozedUntil: '' } }));
    },
    async markAnswered(id, at) {
      await changed(await tasks.updateOne({ _id: id }, { $set: { status: 'answered', answeredAt: at } }));
    },
    async settle(id, settled) {
      await tasks.updateOne(
        { _id: id },
        settled.status === 'snoozed' ? { $set: settled } : { $set: settled, $unset: { snoozedUntil: '' } },
      );
      await changed(undefined);
    },
    async relabel(id, intent, by) {
      await changed(await tasks.updateOne({ _id: id }, { $set: { intent, relabelledBy: by } }));
    },
    async markEscalated(id, escalated) {
      await changed(await tasks.updateOne({ _id: id }, { $set: { escalated } }));
    },
    async assign(id, assignee) {
      if (assignee !== undefined) {
        await changed(await tasks.updateOne({ _id: id }, { $set: { assignee } }));
        return;
      }
      await tasks.updateOne({ _id: id }, { $unset: { assignee: '', claim: '' } });
      await changed(await tasks.updateOne({ _id: id, status: 'claimed' }, { $set: { status: 'open' } }));
    },
    heldBy: (rep) => tasks.find({ status: { $ne: 'done' }, $or: [{ assignee: rep }, { 'claim.by': rep }] }).toArray(),
    appendEvent: async (event) => ((await insertOnce(taskEvents, event)) === 'inserted' ? 'appended' : 'duplicate'),
    async events(taskId) {
      const [task, appended] = await Promise.all([
        tasks.findOne({ _id: taskId }, { projection: { createdAt: 1, asCreated: 1 } }),
        taskEvents.find({ taskId }).sort({ at: 1, _id: 1 }).toArray(),
      ]);
      if (!task?.asCreated) return appended;
      const created: TaskEventDoc = {
        _id: `${taskId}#created`,
        taskId,
        at: task.createdAt,
        by: 'parley',
        action: 'created',
        detail: task.asCreated,
      };
      return [created, ...appended];
    },
    claims: taskClaimSlots(collections),
  };
}
