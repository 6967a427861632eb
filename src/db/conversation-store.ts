import type { Collection } from 'mongodb';
import type { EnrollmentDoc, TaskDoc, TaskStatus } from './documents.ts';

/** What the conversation rule reads of a task. */
export type ConversationTaskRecord = Pick<
  TaskDoc,
  '_id' | 'contactId' | 'sequenceId' | 'status' | 'createdAt' | 'answeredAt' | 'senderConcern'
>;

/** What releasing a hold reads of an enrollment. */
export type HeldEnrollmentRecord = Pick<EnrollmentDoc, '_id' | 'status' | 'passedStepIds' | 'softBounces' | 'held'>;

/** Task states in which a conversation may still be open: a reply waiting for a rep, or a rep's answer waiting for theirs. */
const IN_PLAY: readonly TaskStatus[] = ['open', 'claimed', 'snoozed', 'answered'];

/**
 * The reads behind "one conversation per person" (src/conversations/). `tasksInPlay` runs once per
 * send run for the whole batch: one query, served by the `{contactId, status}` index on MongoDB (on
 * FerretDB v1 a scan of `tasks`, which holds one document per human reply, far fewer than
 * `send_claims`, which SendGate scans once per run already).
 */
export interface ConversationStore {
  /** Open, claimed, snoozed and answered tasks of these contacts (none for no contacts). */
  tasksInPlay(contactIds: readonly string[]): Promise<ConversationTaskRecord[]>;
  /** The contact's running enrollments with a held step (served by the index that leads with contactId). */
  heldEnrollments(contactId: string): Promise<HeldEnrollmentRecord[]>;
}

export function conversationStore(collections: { tasks: Collection<TaskDoc>; enrollments: Collection<EnrollmentDoc> }): ConversationStore {
  const { tasks, enrollments } = collections;
  return {
    async tasksInPlay(contactIds) {
      if (contactIds.length === 0) return [];
      const [only] = contactIds;
      return tasks
        .find<ConversationTaskRecord>(
          { contactId: contactIds.length === 1 && only !== undefined ? only : { $in: [...contactIds] }, status: { $in: [...IN_PLAY] } },
          { projection: { contactId: 1, sequenceId: 1, status: 1, createdAt: 1, answeredAt: 1, senderConcern: 1 } },
        )
        .toArray();
    },
    heldEnrollments: (contactId) =>
      enrollments
        .find<HeldEnrollmentRecord>(
          { contactId, status: 'active', held: { $exists: true } },
          { projection: { status: 1, passedStepIds: 1, softBounces: 1, held: 1 } },
        )
        .toArray(),
  };
}
