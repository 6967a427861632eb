import { createHash } from 'node:crypto';

/**
 * Characters. A task id travels in every task URL, and the router answers 414 to a path segment
 * over 600; a reply's id holds its Message-ID, which RFC 5322 bounds only by the line (998).
 */
export const MAX_TASK_ID_LENGTH = 200;

/**
 * The id itself when short enough, else `<kind>:sha256:<base64url SHA-256 of it>` (57 characters
 * for a reply's): stable, so queueing the same reply again finds the same task.
 */
export function boundedTaskId(id: string): string {
  if (id.length <= MAX_TASK_ID_LENGTH) return id;
  const kind = id.slice(0, Math.max(0, id.indexOf(':'))) || 'task';
  return `${kind}:sha256:${createHash('sha256').update(id).digest('base64url')}`;
}
