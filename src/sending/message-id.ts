/**
 * The right-hand side of the Message-IDs Parley writes, steps and rep answers alike:
 * MESSAGE_ID_DOMAIN when set, else the domain of the address the message is sent from. Never a
 * made-up domain: receivers (and spam filters) expect the sender's own.
 */
export function messageIdDomainFor(configured: string | undefined, fromAddress: string): string {
  if (configured) return configured;
  return fromAddress.slice(fromAddress.lastIndexOf('@') + 1).toLowerCase();
}

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
