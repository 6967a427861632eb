/** The human-response queue: replies that need a person, who works on them, and what they decided. */
export type { TaskDoc, TaskStatus, TaskEventDoc } from '../db/index.ts';
export { queueTaskForReply, listOpenTasks, type TaskSource } from './queue.ts';
export { taskPreview, snippetOf } from './preview.ts';
export { bulkTaskAction, bulkNeedsConfirmation, BULK_MAX, type BulkAction, type BulkResult } from './bulk.ts';
export { inboxItems, searchWords, INBOX_VIEWS, type InboxFilter, type InboxItem, type InboxView } from './inbox.ts';
export { taskPriority } from './priority.ts';
export { DEFAULT_TASK_SETTINGS, taskDueAt, type TaskSettings } from './settings.ts';
export { listTasks, taskCounts, refreshTasks, canSee } from './list.ts';
export { claimTask, liveClaim } from './claim.ts';
export { answerTask, defaultAnswerCc, replySubject, type AnswerOptions } from './answer.ts';
export { parseCcList, quoteBelow } from './answer-mail.ts';
export { applyTaskOutcome, type TaskOutcome, type OutcomeOptions } from './outcome.ts';
export { relabelTask } from './relabel.ts';
export { escalateOverdue } from './escalate.ts';
export { getTaskView, type TaskView, type ThreadEntry } from './view.ts';
export { taskEvents } from './events.ts';
export { describeAuthentication } from './sender-notes.ts';
export { TASK_STATUSES, type TaskActionResult, type TaskActionCode, type TaskFilter } from './types.ts';
export {
  attachTriageTask,
  dismissTriageTask,
  queueTriageTask,
  suggestContact,
  TRIAGE,
  TRIAGE_MAX_REPLIES,
  triageAllows,
  type TriageAttachment,
  type TriageInput,
} from './triage.ts';
export { reassignTask, returnTasksToPool } from './reassign.ts';
