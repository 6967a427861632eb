import type { ContactDoc } from '../db/index.ts';
import { nextStep, stepDueTime, type ContactInput } from '../enrollments/index.ts';
import { capRoom, contactZone, describeLocalTime, nextSendWindow } from '../schedule/index.ts';
import { composeStep } from '../sending/index.ts';
import { sendersOf, type Sequence, type StepVariant } from '../sequences/index.ts';

/** A contact as the preview and simulator take it: the same fields as an enrollment's. */
export type PreviewContact = ContactInput;

export type PreviewStep =
  | {
      stepId: string;
      kind: 'sent';
      dueAt: Date;
      localTime: string;
      headers: Array<[string, string]>;
      text: string;
      html: string | undefined;
      /** A step with A/B variants: each as this contact would get it (variant `a` is the step's text above). */
      variants?: PreviewVariant[] | undefined;
    }
  | { stepId: string; kind: 'skipped'; dueAt: Date; localTime: string; reason: string };

export interface PreviewVariant {
  variantId: string;
  weight: number;
  /** The sum of the step's weights: this variant goes to weight/totalWeight of enrollments. */
  totalWeight: number;
  subject: string;
  text: string;
}

const UNLIMITED = Number.MAX_SAFE_INTEGER;

/** Placeholder link settings when the preview runs without a configured web server. */
const PREVIEW_UNSUBSCRIBE = { baseUrl: 'https://PUBLIC_BASE_URL', secret: 'preview-only-not-a-real-secret-000000' };

/** A stand-in enrollment/contact so the preview goes through the very code the worker sends with. */
export function virtualContact(contact: PreviewContact, now: Date): ContactDoc {
  return {
    _id: `preview:${contact.email}`,
    ...contact,
    email: contact.email.toLowerCase(),
    fields: { ...contact.fields },
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Every step of a sequence exactly as this contact would get it if nobody replied: headers, text
 * and the send time in the contact's zone, each step timed from the previous one's send.
 */
export async function previewSequence(
  sequence: Sequence,
  input: PreviewContact,
  options: { enrolledAt: Date; messageIdDomain: string | undefined; unsubscribe?: { baseUrl: string; secret: string } | undefined },
): Promise<PreviewStep[]> {
  const contact = virtualContact(input, options.enrolledAt);
  const zone = contactZone(contact.timeZone, sequence.policy);
  const enrollment = { _id: 'preview', threadMessageIds: [] as string[], threadSubject: undefined as string | undefined };
  const passed: string[] = [];
  const out: PreviewStep[] = [];
  const sentTimes: Date[] = [];
  let after = options.enrolledAt;
  for (let step = nextStep(sequence, passed); step; step = nextStep(sequence, passed)) {
    let dueAt = stepDueTime(sequence, step, after, contact.timeZone);
    // The per-contact cap, counting this sequence's emails (the worker also counts other sequences').
    const room = capRoom(
      dueAt,
      { maxPerContact30d: sequence.policy.maxPerContact30d, perHour: UNLIMITED, perDay: UNLIMITED },
      { toContact: sentTimes, fromMailbox: [] },
    );
    if (room > dueAt) dueAt = nextSendWindow(room, zone, sequence.policy);
    const localTime = describeLocalTime(dueAt, zone);
    // The thread as this step finds it, for composing its other variants below.
    const threadBefore = { ...enrollment, threadMessageIds: [...enrollment.threadMessageIds] };
    const composed = await composeStep({
      sequence,
      step,
      contact,
      enrollment,
      messageIdDomain: options.messageIdDomain,
      unsubscribe: options.unsubscribe ?? PREVIEW_UNSUBSCRIBE,
    });
    passed.push(step.id);
    after = dueAt;
    if (!composed.ok) {
      out.push({ stepId: step.id, kind: 'skipped', dueAt, localTime, reason: composed.reason });
      continue;
    }
    sentTimes.push(dueAt);
    const m = composed.message;
    if (!m.inReplyTo) {
      enrollment.threadMessageIds = [m.messageId];
      enrollment.threadSubject = m.subject;
    } else enrollment.threadMessageIds.push(m.messageId);
    const pool = sendersOf(sequence);
    const headers: Array<[string, string]> = [
      ['From', `${m.from.name} <${m.from.address}>`],
      // A pool's mailbox is chosen at the first email (fewest sends, room under its caps) and kept.
      ...(pool.length > 1
        ? [
            [
              'From (sender pool)',
              `one of ${pool.map((s) => s.address).join(', ')}, chosen at the first email and kept for the thread`,
            ] as [string, string],
          ]
        : []),
      ['To', m.to],
      ...(m.replyTo ? [['Reply-To', m.replyTo] as [string, string]] : []),
      ['Subject', m.subject],
      ['Message-ID', m.messageId],
      ...(m.inReplyTo
        ? [['In-Reply-To', m.inReplyTo] as [string, string], ['References', m.references.join(' ')] as [string, string]]
        : []),
      ...Object.entries(m.headers ?? {}),
    ];
    const variants = await previewVariants(step.variants ?? [], (variantId) =>
      composeStep({
        sequence,
        step,
        contact,
        enrollment: threadBefore,
        messageIdDomain: options.messageIdDomain,
        unsubscribe: options.unsubscribe ?? PREVIEW_UNSUBSCRIBE,
        variantId,
      }),
    );
    out.push({
      stepId: step.id,
      kind: 'sent',
      dueAt,
      localTime,
      headers,
      text: m.text,
      html: m.html,
      ...(variants.length > 0 && { variants }),
    });
  }
  return out;
}

/** Every variant of a step composed for the contact; one that can't be written to them is left out. */
async function previewVariants(
  variants: readonly StepVariant[],
  compose: (variantId: string) => ReturnType<typeof composeStep>,
): Promise<PreviewVariant[]> {
  const totalWeight = variants.reduce((sum, v) => sum + v.weight, 0);
  const out: PreviewVariant[] = [];
  for (const v of variants) {
    const composed = await compose(v.id);
    if (composed.ok)
      out.push({ variantId: v.id, weight: v.weight, totalWeight, subject: composed.message.subject, text: composed.message.text });
  }
  return out;
}
