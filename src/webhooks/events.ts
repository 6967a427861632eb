import { createHash } from 'node:crypto';
import type { WebhookQueueDoc } from '../db/index.ts';

/**
 * The events an endpoint can subscribe to. `reply` is every person's reply with its intent;
 * `interested` and `meeting_request` are replies of those intents only (an endpoint that wants
 * both `reply` and `interested` gets two events, each with its own id).
 */
export const WEBHOOK_EVENTS = ['reply', 'interested', 'meeting_request', 'qualified', 'opt_out', 'bounce', 'task_closed'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** One event as receivers get it (the JSON body). */
export interface WebhookPayload {
  /** Stable per event: the same on every attempt and endpoint (`Parley-Event-Id`). */
  id: string;
  type: WebhookEventType;
  /** When it happened (ISO 8601, UTC). */
  occurred_at: string;
  data: WebhookPayloadData;
}

export interface WebhookPayloadData {
  contact: { id: string; email: string | null };
  sequence_id: string | null;
  enrollment_id: string | null;
  step_id: string | null;
  /** Per type: intent and matched_by (replies), kind and status (bounce), via (opt_out), by (qualified), task_id, outcome and closed_by (task_closed). */
  [field: string]: unknown;
}

/** The webhook events a queued source stands for. */
export function webhookEventsOf(marker: Pick<WebhookQueueDoc, 'kind' | 'props'>): WebhookEventType[] {
  switch (marker.kind) {
    case 'replied': {
      const intent = marker.props.intent;
      if (intent === 'interested' || intent === 'meeting_request') return ['reply', intent];
      return ['reply'];
    }
    case 'qualified':
      return ['qualified'];
    case 'unsubscribed':
      return ['opt_out'];
    case 'email_bounced':
      return ['bounce'];
    case 'task_closed':
      return ['task_closed'];
  }
}

/** `evt_` and 32 hex digits of the event's type and source: the same on every redo, and safe in a header. */
export function webhookEventId(type: WebhookEventType, sourceId: string): string {
  return `evt_${createHash('sha256').update(`${type}\n${sourceId}`).digest('hex').slice(0, 32)}`;
}

/** The body of one event for receivers. */
export function webhookPayload(type: WebhookEventType, marker: WebhookQueueDoc, email: string | undefined): WebhookPayload {
  return {
    id: webhookEventId(type, marker._id),
    type,
    occurred_at: marker.at.toISOString(),
    data: {
      contact: { id: marker.contactId, email: email ?? null },
      sequence_id: marker.sequenceId ?? null,
      enrollment_id: marker.enrollmentId ?? null,
      step_id: marker.stepId ?? null,
      ...marker.props,
    },
  };
}
