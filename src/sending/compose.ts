import type { ContactDoc, EnrollmentDoc } from '../db/index.ts';
import { ErrorCodes, ParleyError } from '../errors.ts';
import { listUnsubscribeHeaders, unsubscribeUrl } from '../optout/index.ts';
import { renderStep, type Sequence, type SequenceSender, type SequenceStep } from '../sequences/index.ts';
import { renderHtmlAlternative } from './html.ts';
import { messageIdDomainFor, stepMessageId } from './message-id.ts';
import type { OutboundMessage } from './transport.ts';

export type ComposedStep = { ok: true; message: OutboundMessage } | { ok: false; reason: string };

/**
 * The email a step becomes for one contact: rendered text, threading headers, Reply-To, the
 * optional HTML part and List-Unsubscribe. `ok: false` when the step can't be written to this
 * contact (a variable without value): it is skipped, never sent with a blank.
 */
export async function composeStep(input: {
  sequence: Sequence;
  step: SequenceStep;
  contact: ContactDoc;
  enrollment: Pick<EnrollmentDoc, '_id' | 'threadMessageIds' | 'threadSubject' | 'context'>;
  /** MESSAGE_ID_DOMAIN; the sender address's domain when undefined. */
  messageIdDomain: string | undefined;
  unsubscribe: { baseUrl: string; secret: string } | undefined;
  /** The step's A/B variant for this enrollment (chooseVariant); the step's own text when undefined. */
  variantId?: string | undefined;
  /** The enrollment's sender (enrollmentSender: its pool mailbox); the sequence's sender when undefined. */
  sender?: SequenceSender | undefined;
}): Promise<ComposedStep> {
  const { sequence, step, contact, enrollment } = input;
  const sender = input.sender ?? sequence.sender;
  // What brought the contact in (segment name, the page visited) reads like any other field.
  const fields = enrollment.context ? { ...contact.fields, ...enrollment.context } : contact.fields;
  const rendering = await renderStep(sequence, step.index, { ...contact, fields }, input.variantId);
  if (!rendering.ok) return { ok: false, reason: `no value for ${rendering.unfillable.missing.join(', ')}` };
  const { rendered } = rendering;

  // In-thread steps answer the last message of the thread; if the thread never started (its first
  // step was skipped), the step opens one, without a "Re:" that would claim a history.
  const inThread = rendered.isReply && enrollment.threadMessageIds.length > 0;
  const subject = inThread && enrollment.threadSubject ? `Re: ${enrollment.threadSubject}` : rendered.subject.replace(/^re:\s*/i, '');
  const replyTo = sender.replyTo;
  return {
    ok: true,
    message: {
      from: { name: sender.name, address: sender.address },
      to: contact.email,
      ...(replyTo !== undefined && { replyTo }),
      subject,
      text: rendered.text,
      ...(sequence.html && { html: await renderHtmlAlternative(rendered.text) }),
      ...(sequence.optOut.listUnsubscribe && { headers: unsubscribeHeaders(sequence, sender, contact, input.unsubscribe) }),
      messageId: stepMessageId(enrollment._id, step.id, messageIdDomainFor(input.messageIdDomain, sender.address)),
      inReplyTo: inThread ? enrollment.threadMessageIds.at(-1) : undefined,
      references: inThread ? enrollment.threadMessageIds : [],
    },
  };
}

function unsubscribeHeaders(
  sequence: Sequence,
  sender: SequenceSender,
  contact: ContactDoc,
  unsubscribe: { baseUrl: string; secret: string } | undefined,
) {
  if (!unsubscribe) {
    // The worker refuses to start in this state; reaching here is a wiring bug.
    throw new ParleyError(
      ErrorCodes.CONFIG_INVALID,
      `Sequence '${sequence.id}' uses list_unsubscribe: set PUBLIC_BASE_URL and UNSUBSCRIBE_SECRET.`,
    );
  }
  return listUnsubscribeHeaders({
    mailto: sender.replyTo ?? sender.address,
    url: unsubscribeUrl(unsubscribe.baseUrl, unsubscribe.secret, contact._id),
  });
}
