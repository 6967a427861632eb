import { contactStore, replyStore, type ParleyCollections, type RepDoc, type TaskDoc, type TaskPreview } from '../db/index.ts';
import { listTasks } from './list.ts';
import { taskPreview } from './preview.ts';
import type { TaskFilter } from './types.ts';

/** The inbox's quick views: everything the rep sees, theirs, nobody's yet, or late. */
export const INBOX_VIEWS = ['all', 'mine', 'unassigned', 'overdue'] as const;
export type InboxView = (typeof INBOX_VIEWS)[number];

export interface InboxFilter extends TaskFilter {
  view?: InboxView | undefined;
  /** Words that must all appear in the contact's name, company or address, or the reply's text. */
  search?: string | undefined;
}

/** A task with what its row shows. */
export interface InboxItem {
  task: TaskDoc;
  preview: TaskPreview;
}

/** Tasks queued before previews were stored get theirs read, this many at most per list (two `_id` reads each). */
const PREVIEW_READS = 200;
const WAITING = new Set(['open', 'claimed']);

/**
 * The rep's inbox: the tasks they may see (listTasks: soonest due first), all but the done ones
 * unless the status filter asks for a status, narrowed by the quick
 * view and the search. The queue is at most a thousand tasks, so the view and the search run
 * here rather than as queries FerretDB v1 would decode row by row in any case (PERF-NOTES).
 */
export async function inboxItems(db: ParleyCollections, viewer: RepDoc, filter: InboxFilter = {}, now = new Date()): Promise<InboxItem[]> {
  // Done tasks need nobody: they show only when asked for by status. Left out by the query, not
  // here, or the thousands that pile up would fill the list's limit before any open one.
  const tasks = (await listTasks(db, viewer, { ...filter, notDone: filter.status === undefined }, now)).filter((task) =>
    inView(task, filter.view, viewer._id, now),
  );
  const items = await withPreviews(db, tasks);
  const words = searchWords(filter.search);
  return words.length === 0 ? items : items.filter((item) => matchesAll(item, words));
}

function inView(task: TaskDoc, view: InboxView | undefined, rep: string, now: Date): boolean {
  const claimedBy = task.claim && task.claim.until > now ? task.claim.by : undefined;
  switch (view) {
    case 'mine':
      return task.assignee === rep || claimedBy === rep;
    case 'unassigned':
      return task.assignee === undefined && claimedBy === undefined && task.status !== 'done';
    case 'overdue':
      return WAITING.has(task.status) && task.dueAt < now;
    default:
      return true;
  }
}

/** Lower-cased words of a search, at most 8 of at most 64 characters (a search box, not a document). */
export function searchWords(search: string | undefined): string[] {
  if (!search) return [];
  return search
    .slice(0, 200)
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .slice(0, 8)
    .map((w) => w.slice(0, 64));
}

function matchesAll(item: InboxItem, words: readonly string[]): boolean {
  const haystack = [
    item.task.email,
    item.preview.name,
    item.preview.company,
    item.preview.snippet,
    item.task.sequenceId,
    item.task.triage?.sender,
  ]
    .filter(Boolean)
    .join('\n')
    .toLowerCase();
  return words.every((w) => haystack.includes(w));
}

async function withPreviews(db: ParleyCollections, tasks: TaskDoc[]): Promise<InboxItem[]> {
  let reads = 0;
  return Promise.all(
    tasks.map(async (task): Promise<InboxItem> => {
      if (task.preview) return { task, preview: task.preview };
      if (reads++ >= PREVIEW_READS) return { task, preview: { snippet: '' } };
      const [contact, reply] = await Promise.all([
        task.contactId ? contactStore(db).get(task.contactId) : null,
        replyStore(db).get(task.replyId),
      ]);
      return { task, preview: taskPreview({ contact, fromName: reply?.fromName, text: reply?.visibleText ?? '' }) };
    }),
  );
}
