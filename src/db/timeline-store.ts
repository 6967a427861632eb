import type { Collection } from 'mongodb';
import type { DeliveryDoc, EnrollmentDoc, EventDoc, RepMessageDoc, ReplyDoc, TaskDoc } from './documents.ts';

/** Everything Parley keeps about one contact's conversations, as stored; src/conversations/timeline.ts orders it. */
export interface ContactHistory {
  enrollments: EnrollmentDoc[];
  /** Outcomes of send attempts (sent, failed, abandoned, bounced) of those enrollments. */
  deliveries: DeliveryDoc[];
  replies: ReplyDoc[];
  repAnswers: RepMessageDoc[];
  tasks: TaskDoc[];
  /** The newest `eventLimit` events, newest first. */
  events: EventDoc[];
}

/**
 * One contact's history for the timeline (CLI and rep app): six reads, each served by an index
 * that leads with the contact or its enrollments (`enrollments.contactId`, `deliveries.enrollmentId`,
 * `replies.enrollmentId`, `rep_messages.enrollmentId`, `tasks.contactId`, `events.contactId`).
 */
export interface TimelineStore {
  contactHistory(contactId: string, options: { eventLimit: number }): Promise<ContactHistory>;
}

export function timelineStore(collections: {
  enrollments: Collection<EnrollmentDoc>;
  deliveries: Collection<DeliveryDoc>;
  replies: Collection<ReplyDoc>;
  repMessages: Collection<RepMessageDoc>;
  tasks: Collection<TaskDoc>;
  events: Collection<EventDoc>;
}): TimelineStore {
  return {
    async contactHistory(contactId, { eventLimit }) {
      const [enrollments, tasks, events] = await Promise.all([
        collections.enrollments.find({ contactId }).toArray(),
        collections.tasks.find({ contactId }).toArray(),
        collections.events.find({ contactId }).sort({ at: -1 }).limit(eventLimit).toArray(),
      ]);
      const ids = enrollments.map((e) => e._id);
      if (ids.length === 0) return { enrollments, deliveries: [], replies: [], repAnswers: [], tasks, events };
      const byEnrollment = { enrollmentId: { $in: ids } };
      const [deliveries, replies, repAnswers] = await Promise.all([
        collections.deliveries.find(byEnrollment).toArray(),
        collections.replies.find(byEnrollment).toArray(),
        collections.repMessages.find(byEnrollment).toArray(),
      ]);
      return { enrollments, deliveries, replies, repAnswers, tasks, events };
    },
  };
}
