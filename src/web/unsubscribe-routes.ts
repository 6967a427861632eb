import type { FastifyInstance } from 'fastify';
import { contactStore, type ParleyCollections } from '../db/index.ts';
import { suppressContact, UNSUBSCRIBE_PATH, verifyUnsubscribeToken } from '../optout/index.ts';
import { alreadyUnsubscribedPage, confirmPage, notFoundPage, unsubscribedPage } from './pages.ts';

interface Context {
  db: Pick<ParleyCollections, 'contacts' | 'enrollments' | 'events' | 'rollupQueue' | 'statsQueue' | 'suppressions' | 'webhookQueue'>;
  secret: string | undefined;
  now: () => Date;
}

const HTML = 'text/html; charset=utf-8';

/**
 * `GET /u/:token` asks; `POST /u/:token` unsubscribes.
 *
 * GET never changes anything: mail security scanners and link previewers fetch every link in a
 * message, and an unsubscribe on GET would unsubscribe people who never clicked (RFC 8058 §1).
 *
 * POST needs no CSRF token and no session: the signed token in the URL is the credential, and the
 * only thing it allows is unsubscribing the one contact it names. A forged cross-site POST would
 * need the token, which only the recipient's mailbox has. The body is not read: RFC 8058 clients
 * send `List-Unsubscribe=One-Click` (as urlencoded or multipart form data), the page's button
 * sends the same, and neither adds anything to the token; a POST is what marks a person's (or
 * their mail client's, RFC 8058 §3.2 requires user consent) decision, as scanners only GET.
 * Both answer 200 with a page, including for a contact deleted since: the outcome the person
 * wanted (no more mail) holds.
 */
export function registerUnsubscribeRoutes(app: FastifyInstance, context: Context): void {
  const { db, secret, now } = context;
  const path = `/${UNSUBSCRIBE_PATH}/:token`;
  const contactIdOf = (token: string) => (secret === undefined ? undefined : verifyUnsubscribeToken(secret, token));

  app.get<{ Params: { token: string } }>(path, async (request, reply) => {
    const contactId = contactIdOf(request.params.token);
    if (contactId === undefined) return reply.code(404).type(HTML).send(notFoundPage());
    const contact = await contactStore(db).mailingStatus(contactId);
    if (!contact) return reply.type(HTML).send(unsubscribedPage(undefined));
    return reply.type(HTML).send(contact.suppressed ? alreadyUnsubscribedPage(contact.email) : confirmPage(contact.email));
  });

  app.post<{ Params: { token: string } }>(path, async (request, reply) => {
    const contactId = contactIdOf(request.params.token);
    if (contactId === undefined) return reply.code(404).type(HTML).send(notFoundPage());
    const contact = await contactStore(db).mailingStatus(contactId);
    if (!contact) return reply.type(HTML).send(unsubscribedPage(undefined));
    const result = await suppressContact(db, contactId, { reason: 'unsubscribe', source: 'link', now: now() });
    request.log.info(
      { contactId, suppressedNow: result.suppressedNow, stoppedEnrollments: result.stoppedEnrollments },
      'contact unsubscribed by link',
    );
    return reply.type(HTML).send(unsubscribedPage(contact.email));
  });
}
