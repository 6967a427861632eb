import type { FastifyInstance } from 'fastify';
import { contactTimeline, conversationLine, DEFAULT_CONVERSATION_WAIT_MS } from '../../conversations/index.ts';
import { csrfToken, repOf } from './auth.ts';
import type { RepAppOptions } from './index.ts';
import { timelinePage } from './timeline-page.ts';

const HTML = 'text/html; charset=utf-8';
/** An address is at most 254 characters (RFC 5321 §4.5.3.1.3); longer is no contact. */
const MAX_EMAIL = 320;

type Params = { Params: { email: string } };

/**
 * A contact's timeline (`/contacts/<email>/timeline`), linked from the task page. A rep sees the
 * contacts they own or have a task of they may see, an admin everyone; anyone else gets the same
 * answer as for an address that is no contact.
 */
export function registerTimelineRoutes(app: FastifyInstance, options: RepAppOptions): void {
  const read = async (email: string, request: Parameters<typeof repOf>[0]) =>
    email.length > MAX_EMAIL
      ? undefined
      : contactTimeline(options.db, email, repOf(request), {
          now: options.now(),
          conversationWaitMs: options.conversationWaitMs ?? DEFAULT_CONVERSATION_WAIT_MS,
        });

  app.get<Params>('/contacts/:email/timeline', async (request, reply) => {
    const timeline = await read(request.params.email, request);
    if (!timeline) return reply.code(404).type('text/plain; charset=utf-8').send('No such contact, or not one of yours.');
    const rep = repOf(request);
    const { contact } = timeline;
    return reply.type(HTML).send(
      timelinePage(
        {
          email: contact.email,
          name: [contact.firstName, contact.lastName].filter(Boolean).join(' '),
          conversation: conversationLine(timeline.conversation),
          inConversation: timeline.conversation !== undefined,
          rows: timeline.entries.map((entry) => ({
            at: entry.at,
            kind: entry.kind,
            sequenceId: entry.sequenceId,
            title: entry.title,
            detail: entry.detail,
            mail: entry.mail,
            intent: entry.intent,
            taskId: entry.taskId,
          })),
        },
        { email: rep._id, name: rep.name, role: rep.role },
        csrfToken(request, reply),
      ),
    );
  });

  app.get<Params>('/api/contacts/:email/timeline', async (request, reply) => {
    const timeline = await read(request.params.email, request);
    if (!timeline) return reply.code(404).send({ error: 'not_found', message: 'No such contact, or not one of yours.' });
    return { email: timeline.contact.email, conversation: timeline.conversation, entries: timeline.entries };
  });
}
