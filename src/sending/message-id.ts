/**
 * The Message-ID of a step sent to an enrollment: the same on every attempt, so a step that went
 * out twice (a worker died between the server's 250 and our record) is one message to receivers
 * that drop duplicate Message-IDs, and one thread entry to the lead's client.
 */
export function stepMessageId(enrollmentId: string, stepId: string, domain: string): string {
  return `<${enrollmentId}.${stepId}@${domain}>`;
}
