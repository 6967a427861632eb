/**
 * Steps' Message-ID domain when MESSAGE_ID_DOMAIN is not set. (Rep answers use the sending
 * address's domain instead: src/tasks/answer-mail.ts.)
 */
export const UNSET_STEP_MESSAGE_ID_DOMAIN = 'parley.local';

/**
 * The Message-ID of a step sent to an enrollment: the same on every attempt, so a step that went
 * out twice (a worker died between the server's 250 and our record) is one message to receivers
 * that drop duplicate Message-IDs, and one thread entry to the lead's client.
 */
export function stepMessageId(enrollmentId: string, stepId: string, domain: string): string {
  return `<${enrollmentId}.${stepId}@${domain}>`;
}

const STEP_MESSAGE_ID = /^<([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([^@>]+)@[^@>]+>$/i;

/**
 * The enrollment and step a Message-ID of stepMessageId's shape names; undefined for any other
 * Message-ID. Lets the reply path skip lookups that FerretDB v1 answers only by scanning.
 */
export function parseStepMessageId(messageId: string): { enrollmentId: string; stepId: string } | undefined {
  const match = STEP_MESSAGE_ID.exec(messageId.trim());
  return match?.[1] && match[2] ? { enrollmentId: match[1].toLowerCase(), stepId: match[2] } : undefined;
}
