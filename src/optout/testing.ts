import type { ContactDoc, EnrollmentDoc, EnrollmentStatus } from '../db/index.ts';

export function contactDoc(id: string, email: string, at = new Date('2026-01-05T09:00:00Z')): ContactDoc {
  return { _id: id, email, fields: {}, createdAt: at, updatedAt: at };
}

export function enrollmentDoc(id: string, contact: ContactDoc, status: EnrollmentStatus, sequenceId = `seq-${id}`): EnrollmentDoc {
  const at = new Date('2026-01-05T09:00:00Z');
  return {
    _id: id,
    contactId: contact._id,
    email: contact.email,
    sequenceId,
    status,
    passedStepIds: [],
    skippedSteps: [],
    nextStepAt: status === 'active' ? new Date('2026-01-06T09:00:00Z') : null,
    threadMessageIds: [],
    enrolledAt: at,
    updatedAt: at,
  };
}
