/** The human-response queue: replies that need a person. */
export { queueTaskForReply, listOpenTasks, type TaskSource } from './queue.ts';
export { taskPriority } from './priority.ts';
