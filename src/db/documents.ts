import type { BounceReason, BounceVerdict, Intent, NamedContact, QualificationSignals } from '../classify/index.ts';

/**
 * The shapes Parley stores in MongoDB, one interface per collection. Ids are plain strings chosen
 * by Parley (not ObjectIds) because several of them are keys that make a write idempotent.
 * Rules from FerretDB v1 (see STACK-NOTES): no email address as an object key, no nested arrays,
 * no NUL in strings.
 */

export interface ContactDoc {
  _id: string;
  /** Lower-cased, trimmed; unique. */
  email: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  company?: string | undefined;
  /** IANA zone the contact's emails are timed in; the sequence's zone when absent. */
  timeZone?: string | undefined;
  /** Email of the rep who owns this contact; replies are routed to them. */
  owner?: string | undefined;
  fields: Record<string, string>;
  /** What replies revealed: team size, timeline, budget, authority, goal; and answers to the steps' questions. */
  qualification?: (QualificationSignals & { answers?: Record<string, string> }) | undefined;
  /** Set by a hard bounce: the address does not receive mail. */
  undeliverable?: { at: Date; status: string | undefined; diagnostic: string | undefined } | undefined;
  /** Set when a reply's outcome marked the contact qualified. */
  qualified?: { at: Date; sequenceId: string; replyId: string } | undefined;
  /** Set by an unsubscribe or a hard bounce: Parley never writes to this address again. The first one stays. */
  suppressed?: Suppression | undefined;
  /** How many suppressions an admin lifted: an unsubscribe after a lift is a new `unsubscribed` event (src/optout/suppress.ts). */
  lifts?: number | undefined;
  createdAt: Date;
  updatedAt: Date;
}

/** How a contact asked to stop: a reply, the unsubscribe web page (or RFC 8058 one-click), the List-Unsubscribe mailto. */
export type SuppressionSource = 'reply' | 'link' | 'mailto';

export interface Suppression {
  reason: 'unsubscribe' | 'bounce';
  at: Date;
  /** Absent on suppressions stored before sources were recorded: those all came from replies. */
  source?: SuppressionSource | undefined;
  /** The reply that asked for it (source reply or mailto). */
  replyId?: string | undefined;
}

/**
 * One suppression in the register (`suppressions`), written beside the contact's `suppressed` so
 * an admin can list them without reading every contact (on FerretDB v1 any filter but `_id`
 * equality reads the whole collection: this one holds suppressions only). `_id` is
 * `<at ISO>~<contactId>`: ordered by time, and the same for every redo of the same suppression.
 * A lift adds `lifted`; a contact suppressed again after a lift gets a new entry.
 */
export interface SuppressionEntryDoc {
  _id: string;
  contactId: string;
  email: string;
  reason: Suppression['reason'];
  source?: SuppressionSource | undefined;
  at: Date;
  /** The evidence: the reply that asked for it or bounced, and a bounce's status and diagnostic (mail text: escape it). */
  replyId?: string | undefined;
  /** The `unsubscribed` event recorded with an unsubscribe. */
  eventId?: string | undefined;
  /** `reason`: why it bounced (user_unknown, host_unknown, ...); absent on entries stored before reasons were read. */
  bounce?: { status: string | undefined; diagnostic: string | undefined; reason?: BounceReason | undefined } | undefined;
  lifted?: { at: Date; by: string; auditId: string } | undefined;
}

/**
 * An admin's action on a suppression (`suppression_audit`), never updated. `_id` is
 * `lift:<contactId>:<the lifted suppression's at ISO>`: inserting it is the lift's once-only step
 * (atomic on MongoDB and FerretDB alike), so two admins lifting at once record one lift.
 */
export interface SuppressionAuditDoc {
  _id: string;
  action: 'lift';
  contactId: string;
  email: string;
  /** The admin's address. */
  by: string;
  at: Date;
  /** Why the admin lifted it, in their words. */
  reason: string;
  /** What the contact held before: the suppression lifted, and the hard bounce's mark if any. */
  prior: { suppressed: Suppression; undeliverable?: ContactDoc['undeliverable']; lifts?: number | undefined };
}

export type EnrollmentStatus = 'active' | 'paused' | 'stopped' | 'completed';

export interface EnrollmentDoc {
  _id: string;
  contactId: string;
  email: string;
  sequenceId: string;
  status: EnrollmentStatus;
  /**
   * Ids of the steps this enrollment is past (sent or skipped), in order. Steps are tracked by id,
   * not position, so an edited sequence file keeps every contact in its place: the next step is
   * the first step after the last passed one that has not been passed.
   */
  passedStepIds: string[];
  /** Steps skipped rather than sent, with the reason (e.g. a variable without value). */
  skippedSteps: Array<{ stepId: string; reason: string; at: Date }>;
  /** Soft bounces (mailbox full, try later) so far; past a limit the enrollment stops. */
  softBounces?: number | undefined;
  /** When the next step is due (UTC); null when nothing is due. */
  nextStepAt: Date | null;
  /** Message-IDs of the steps sent so far, oldest first: the thread's References. */
  threadMessageIds: string[];
  /** The rendered subject of the thread's first message, for "Re:" subjects. */
  threadSubject?: string | undefined;
  /** Why the enrollment is paused or stopped, for people reading the queue. */
  statusReason?: string | undefined;
  /** The reply that paused or stopped it. */
  statusReplyId?: string | undefined;
  /**
   * Set when a due step was held because the contact is in a conversation (src/conversations/).
   * Inert once `stepId` is passed: closing the conversation brings forward only a step still held.
   */
  held?: EnrollmentHold | undefined;
  enrolledAt: Date;
  updatedAt: Date;
  /**
   * Which time this contact is in this sequence: 1, or more for a sequence whose segment audience
   * allows re-entry. Unique with contactId and sequenceId, so enrolling twice at once enrolls once.
   * Absent on enrollments stored before re-entry existed: those are round 1.
   */
  round?: number | undefined;
  /** Why the contact is here: `manual`, or the segment whose entry enrolled it. */
  source?:
    | { kind: 'manual' }
    | { kind: 'segment'; segmentId: string }
    | { kind: 'referral'; replyId: string; referrerContactId: string }
    | undefined;
  /**
   * Template variables from what brought the contact in (the segment's name, the newest matching
   * event's properties as event_<prop>), e.g. { segment: 'Pricing page visitors', event_url: '/pricing' }.
   */
  context?: Record<string, string> | undefined;
  /**
   * The pool mailbox every step and rep answer of this enrollment goes out from (sequences with
   * `senders:`), set at its first send from `sender_claims` and never changed. Absent: the
   * sequence's one `sender`.
   */
  sender?: EnrollmentSender | undefined;
}

/** The pool mailbox an enrollment sends from (a `senders:` sequence), kept for its whole thread. */
export interface EnrollmentSender {
  /** Lower-cased; a mailbox of MAILBOXES_FILE. */
  address: string;
  /** The From name the pool entry gave when it was chosen. */
  name: string;
}

/**
 * Which pool mailbox an enrollment was given, `_id` the enrollment id. Inserted once, at its first
 * send: the first insert decides (a duplicate key means another worker chose first, and its choice
 * is used); never updated. The enrollment carries a copy (`sender`) for readers.
 */
export interface SenderClaimDoc extends EnrollmentSender {
  _id: string;
  sequenceId: string;
  claimedAt: Date;
}

/** A step held back while the contact is in a conversation: which step, since when, and which task keeps it. */
export interface EnrollmentHold {
  stepId: string;
  since: Date;
  /** The task whose conversation holds it (the reply waiting for a rep, or the rep's answer waiting for theirs). */
  taskId: string;
}

/** `bounced`: the server accepted it, then a soft bounce came back; the step is sent again later. */
/** What Parley keeps of every email it sends, a sequence step or a rep's answer: the thread view and reply matching read these. */
export interface SentEmail {
  /** With angle brackets. */
  messageId: string;
  from: string;
  to: string;
  subject: string;
  /** The plain-text body as sent. */
  text: string;
  inReplyTo?: string | undefined;
  references: string[];
  /** The SMTP server's final answer. */
  smtpResponse?: string | undefined;
  sentAt?: Date | undefined;
}

/** `sending` is only in documents from before send claims (older versions wrote the claim here). */
export type DeliveryState = 'sending' | 'sent' | 'failed' | 'abandoned' | 'bounced';

/**
 * One attempt to send one step of one enrollment, claimed: `_id` is `<enrollmentId>:<stepId>#<attempt>`,
 * and inserting it is the claim, atomic on MongoDB and FerretDB alike, so two workers never both
 * own an attempt. Never updated: the attempt's outcome is the delivery of the same `_id`,
 * inserted once it is known. A claim without a delivery is in flight, or its worker died; after
 * `leaseUntil` the next worker claims attempt + 1. Insert-only because FerretDB v1 scans the
 * whole collection for every update.
 */
export interface SendClaimDoc {
  _id: string;
  enrollmentId: string;
  stepId: string;
  attempt: number;
  /** Which worker claimed it (hostname:pid:random). */
  worker: string;
  /** Until when the claiming worker owns the attempt. */
  leaseUntil: Date;
  claimedAt: Date;
  /** Sender mailbox and recipient: the send caps count claims. */
  from: string;
  to: string;
  /**
   * Set on a release: the `_id` of a claim whose attempt failed or was abandoned (this document's
   * own `_id` is that id + `~released`), so the caps stop counting it. Insert-only, like claims.
   */
  releases?: string | undefined;
}

/**
 * The outcome of one claimed attempt (same `_id` as its SendClaimDoc): sent, failed or abandoned,
 * written once when known; `bounced` later when a bounce comes back for it.
 */
export interface DeliveryDoc extends SentEmail {
  _id: string;
  enrollmentId: string;
  stepId: string;
  stepIndex: number;
  attempt: number;
  state: DeliveryState;
  /** Which worker claimed it (hostname:pid:random). */
  worker: string;
  /** Until when the claiming worker owns the attempt. */
  leaseUntil: Date;
  /** Deterministic per enrollment and step, identical on every attempt, so receivers can drop a copy. */
  messageId: string;
  error?: { code: string; message: string; permanent: boolean } | undefined;
  claimedAt: Date;
  /** The step's A/B variant this attempt wrote; absent for a step without variants. */
  variant?: string | undefined;
}

export type ReplyState = 'received' | 'processed' | 'unmatched';

export interface ReplyDoc {
  /** `mid:<Message-ID>` or `sha256:<hash of the source>` when the message has no Message-ID. */
  _id: string;
  messageId?: string | undefined;
  mailbox: string;
  uidValidity: string;
  uid: number;
  from: string;
  /** The sender's display name, when the From header gives one. */
  fromName?: string | undefined;
  /** To and Cc as the sender wrote them (absent on replies stored before they were kept): a rep's answer goes to them all. */
  to?: string[] | undefined;
  cc?: string[] | undefined;
  subject: string;
  date?: Date | undefined;
  inReplyTo?: string | undefined;
  references: string[];
  visibleText: string;
  state: ReplyState;
  enrollmentId?: string | undefined;
  contactId?: string | undefined;
  /** The step the reply answers (or that bounced), when known. */
  stepId?: string | undefined;
  /** How the enrollment was found: the thread headers, a bounce's returned message, or the sender's address. */
  matchedBy?: 'thread' | 'bounce' | 'sender' | undefined;
  intent?: Intent | undefined;
  confidence?: number | undefined;
  explanation?: string | undefined;
  /** What the reply did to the enrollment (pause_and_task, stop, resume_after, suppressed, ...). */
  outcome?: string | undefined;
  /** What the pipeline concluded besides the intent (see ReplyAnalysis). */
  analysis?:
    | {
        automatic: { isAutomatic: boolean; evidence: string[] };
        bounce?: BounceVerdict | undefined;
        returnDate?: Date | undefined;
        alternateContact?: NamedContact | undefined;
        referral?: NamedContact | undefined;
        objection?: string | undefined;
        qualification: QualificationSignals;
        answer?: { asks: string; value: string } | undefined;
        /** Version of the intent model that labelled it. */
        modelVersion?: string | undefined;
      }
    | undefined;
  /** A rep's correction of the intent, kept for retraining. */
  correction?: { intent: Intent; by: string; at: Date } | undefined;
  /** The receiving server's verdict on the sender (Authentication-Results), stored when the reply arrives. */
  authentication?: SenderAuthentication | undefined;
  /** Set when the sender could not act for the contact: the reply was held for a person. */
  senderConcern?: SenderConcern | undefined;
  /** A reply that matched no enrollment and was written by a person: the triage task it joined. */
  triageTaskId?: string | undefined;
  receivedAt: Date;
  processedAt?: Date | undefined;
}

/** One method's result in a trusted Authentication-Results header (RFC 8601): `pass`, `fail`, `none`, ... */
export interface AuthMethodResult {
  result: string;
  /** The domain it speaks for: DMARC's header.from, DKIM's header.d (or header.i), SPF's smtp.mailfrom domain. */
  domain?: string | undefined;
}

/**
 * What the receiving server said about the sender, read from its own Authentication-Results
 * headers only (authserv-id equal to AUTHSERV_ID). `verdict` is DMARC's: `unknown` when no header
 * is trusted, none carries DMARC, or its result proves nothing either way (temperror, ...).
 */
export interface SenderAuthentication {
  verdict: 'pass' | 'fail' | 'none' | 'unknown';
  /** The authserv-id of the trusted header(s); absent when none was trusted. */
  authservId?: string | undefined;
  dmarc?: AuthMethodResult | undefined;
  dkim: AuthMethodResult[];
  spf?: AuthMethodResult | undefined;
}

/**
 * Why a reply was not allowed to act for the contact: its From is not the contact's address
 * (`not_the_contact`, also several From addresses), or it is but the receiving server's DMARC
 * check failed (`dmarc_fail`). Such a reply changes nothing by itself; it becomes a task.
 */
export interface SenderConcern {
  reason: 'not_the_contact' | 'dmarc_fail';
  /** The From address(es) as written, lower-cased. */
  from: string;
  /** The enrolled contact's address. */
  contact: string;
  /** One line for reps: "sender does not match the contact: X wrote about Y's conversation". */
  note: string;
}

export type TaskStatus = 'open' | 'claimed' | 'answered' | 'snoozed' | 'done';

/** A reply that needs a person. `_id` is `reply:<replyId>`, so a reply makes at most one task. */
export interface TaskDoc {
  _id: string;
  replyId: string;
  enrollmentId: string;
  contactId: string;
  email: string;
  sequenceId: string;
  intent: Intent;
  confidence: number;
  explanation: string;
  /** 1 is the most urgent. */
  priority: number;
  /** The rep the sequence's outcome routed the task to (the contact's or sequence's owner). */
  assignee?: string | undefined;
  /** The outcome that queued the task. */
  outcome: string;
  /** Set when the reply came from someone who may not act for the contact: a person decides what it does. */
  senderConcern?: SenderConcern | undefined;
  /**
   * Set on a triage task: replies from a sender with no enrollment, for a rep to attach to a
   * contact or dismiss. Until attached, `contactId`, `enrollmentId` and `sequenceId` are '' and
   * `email` is the sender's address.
   */
  triage?: TriageDetails | undefined;
  /** The person the reply pointed to ("please talk to Priya, priya@x"), and what Parley did about them. */
  referral?: ReferredPerson | undefined;
  status: TaskStatus;
  createdAt: Date;
  /** When a person should have answered: creation plus the response-time target of the priority (TASK_TARGET_MINUTES). */
  dueAt: Date;
  /**
   * Who is working on it, mirrored from the newest `task_claims` document (which is the authority:
   * inserting it is the atomic guard). Past `until` the claim is gone and anyone may claim again.
   */
  claim?: { by: string; until: Date; claimId: string } | undefined;
  /** A snoozed task reopens at this time. */
  snoozedUntil?: Date | undefined;
  /** Set once, when the task went past dueAt unanswered and lead reps were told. */
  escalated?: { at: Date; to: string[] } | undefined;
  /** When a rep's answer went out. */
  answeredAt?: Date | undefined;
  /** The date the reply asked to be contacted again ("try me in March"), as read from its words. */
  namedDate?: { at: Date; phrase: string } | undefined;
  /**
   * The task as Parley queued it, never updated: its audit trail's first entry ("created"), kept
   * on the task so queueing one costs one write. Tasks queued before it have a stored event instead.
   */
  asCreated?: Record<string, string> | undefined;
  /** What the inbox row shows without reading the contact and the reply again (set when queued). */
  preview?: TaskPreview | undefined;
  /** The rep who set the intent by hand: the classifier's confidence no longer applies. */
  relabelledBy?: string | undefined;
}

/** A task's row in the inbox: who wrote and the start of what they wrote. */
export interface TaskPreview {
  /** The contact's name, or the display name of the reply's sender. */
  name?: string | undefined;
  company?: string | undefined;
  /** The reply's own words (quotes and signature gone), cut to a line or two. */
  snippet: string;
}

/** The person a reply refers us to, as shown on the task. */
export interface ReferredPerson {
  name?: string | undefined;
  /** Lower-cased address, when the reply gave one. */
  email?: string | undefined;
  /** "head of operations", when the reply said. */
  role?: string | undefined;
  /** What the sequence's `referral` rule did: enrolled in a sequence, or why not (handed to a rep). */
  action?: string | undefined;
  /** The enrollment made for them, when they were enrolled. */
  enrollmentId?: string | undefined;
}

/** What a triage task gathers about one sender with no enrollment. */
export interface TriageDetails {
  /** The sender's normalised address: one open triage task per sender, later messages join it. */
  sender: string;
  /** Replies gathered, oldest first; at most TRIAGE_MAX_REPLIES (src/tasks/triage.ts), then only `messages` and `lastAt` move. */
  replyIds: string[];
  /** Messages from the sender while the task was open. */
  messages: number;
  lastAt: Date;
  /** Who this may be, by what evidence: never acted on without a rep. */
  suggestion?: TriageSuggestion | undefined;
  /** Set when a rep attached the task to a contact (and maybe one of its enrollments). */
  attached?: { contactId: string; email: string; enrollmentId?: string | undefined; by: string; at: Date } | undefined;
  /** Set when a rep dismissed it. */
  dismissed?: { by: string; at: Date; reason: string } | undefined;
}

/** A contact a triage task may belong to, and why Parley thinks so. */
export interface TriageSuggestion {
  contactId: string;
  email: string;
  /** A contact with the sender's address; the contact who referred the sender; a contact at the sender's domain. */
  reason: 'same_address' | 'referred_by' | 'same_domain';
  /** One line for reps: "referred by marco@lead.example on 2026-12-05". */
  note: string;
  /** The referrer's enrollment the referral came from, when known. */
  enrollmentId?: string | undefined;
}

/**
 * Who referred an address to us, newest referral only: `_id` is the referred person's normalised
 * address, so a triage task for a message from them finds the referrer with one read by `_id`.
 */
export interface ReferralDoc {
  _id: string;
  name?: string | undefined;
  referrerContactId: string;
  referrerEmail: string;
  enrollmentId: string;
  replyId: string;
  at: Date;
}

/** A person who answers tasks: a rep, or an admin who sees every task. */
export interface RepDoc {
  /** Lower-cased email address. */
  _id: string;
  name: string;
  role: 'admin' | 'rep';
  /** `scrypt$N$r$p$salt$hash`, salt and hash base64 (node:crypto scrypt). Never logged. */
  passwordHash: string;
  /** Reps on duty take round-robin assignments. */
  onDuty: boolean;
  /** Overdue tasks are escalated to leads. */
  lead: boolean;
  createdAt: Date;
}

/** One entry of a task's audit trail (collection `task_events`). */
export interface TaskEventDoc {
  _id: string;
  taskId: string;
  at: Date;
  /** A rep's email, or 'parley' for what Parley did by itself. */
  by: string;
  action: string;
  detail: Record<string, string>;
}

/**
 * A claim on a task. `_id` is `<taskId>#<claimNumber>`: inserting it is the claim, atomic on MongoDB
 * and FerretDB alike, so two reps never both hold one; an expired claim lets the next number be taken.
 */
export interface TaskClaimDoc {
  _id: string;
  taskId: string;
  claimNumber: number;
  claimId: string;
  by: string;
  claimedAt: Date;
  until: Date;
}

/** A rep's answer to a task, sent in the reply's thread; replies to it match the enrollment by messageId. */
export interface RepMessageDoc extends SentEmail {
  _id: string;
  taskId: string;
  enrollmentId: string;
  /** The rep who wrote it. */
  rep: string;
  /** Copied addresses (the reply's To and Cc, reply-all, as the rep left them). */
  cc?: string[] | undefined;
  state: 'sending' | 'sent' | 'failed';
  error?: string | undefined;
  createdAt: Date;
}

/**
 * One turn of the round-robin among on-duty reps. `_id` is `<pool>#<turn>`: inserting turn n + 1 is
 * atomic, so two workers assigning at once take different turns (no findOneAndUpdate counter, which
 * is not atomic on FerretDB v1).
 */
export interface RoundRobinTurnDoc {
  _id: string;
  pool: string;
  turn: number;
  taskId: string;
  rep: string;
  at: Date;
}

/** Where the poller stands in one IMAP mailbox. */
export interface MailboxCursorDoc {
  /** `<user>@<host>:<port>/<mailbox>` */
  _id: string;
  /** IMAP UIDVALIDITY is a 32-bit unsigned value that imapflow returns as a bigint: stored as a string. */
  uidValidity: string;
  lastUid: number;
  updatedAt: Date;
  /** The message a poll has in hand that may not finish: see MessageTries. Absent after a poll that finished. */
  tries?: MessageTries;
}

/**
 * Tries of one message that did not finish (it failed, ran out of time, or the worker stopped
 * while it was in hand). Written when a poll begins a message it has reason to doubt: the first
 * poll of a holder, or a message that failed before. A holder that finds another's record finds
 * a worker that stopped under that message.
 */
export interface MessageTries {
  uidValidity: string;
  uid: number;
  /** Tries begun, this one included. */
  count: number;
  /** Why the last try failed, when it failed rather than being cut off. */
  reason: string | undefined;
  /** The poller instance that wrote it (one per process and lease). */
  holder: string;
  /** While true, messages are handled one at a time and the cursor saved after each, so a crash is blamed on the right one. */
  careful: boolean;
}

/**
 * One term of the lease on an IMAP mailbox: only the replica holding the newest unexpired term
 * connects to the mailbox and polls it. `_id` is `<mailboxKey>#<term>`: inserting term n+1 is
 * both taking the lease (when term n has expired) and renewing it (by term n's holder, before
 * `until`). The insert is atomic on MongoDB and FerretDB alike, so a duplicate key means another
 * replica won; no update is ever the guard (FerretDB v1's are not atomic and scan the collection).
 */
export interface MailboxLeaseDoc {
  /** `<mailboxKey>#<term>` */
  _id: string;
  /** The mailbox key, the same as MailboxCursorDoc's `_id`: `<user>@<host>:<port>/<mailbox>`. */
  mailbox: string;
  /** 1, 2, 3, ...: the newest term is the lease. */
  term: number;
  /** The replica: `<hostname>:<pid>:<random>`. */
  holder: string;
  /** When the term was written. */
  at: Date;
  /** When it runs out, by the holder's clock; a release writes a term whose `until` is its `at`. */
  until: Date;
}

/** A message Parley could not handle, kept with the reason; the poller goes on. */
export interface QuarantineDoc {
  /** `<mailbox>:<uidValidity>:<uid>` */
  _id: string;
  mailbox: string;
  uidValidity: string;
  uid: number;
  code: string;
  reason: string;
  size: number;
  quarantinedAt: Date;
}

/** An intent model trained from the corpus plus reps' corrections (`parley classify train`). */
export interface IntentModelDoc {
  /** Sortable version: the training time, e.g. "2026-11-25T17:20:00.000Z". */
  _id: string;
  createdAt: Date;
  /** IntentModel.toJSON(): one string, since FerretDB refuses the nested arrays inside. */
  json: string;
  /** Training replies from the built-in corpus and from corrections. */
  corpusExamples: number;
  corrections: number;
}

/** Where an event came from: the HTTP API, a file import, or Parley itself (sends, replies, ...). */
export type EventSource = 'api' | 'import' | 'parley';

/**
 * Something a contact did or that happened in their conversation (collection `events`). `_id` makes
 * recording idempotent: `ext:<the sender's event id>` for events from outside, `<type>:<source id>`
 * for Parley's own (`email_sent:<deliveryId>`, `replied:<replyId>`, ...).
 */
export interface EventDoc {
  _id: string;
  contactId: string;
  /** Lower-case snake_case: page_visited, signed_up, trial_started, email_sent, replied, ... */
  type: string;
  /** When it happened (the sender's clock for outside events). */
  at: Date;
  source: EventSource;
  /** Flat string properties (url, title, feature, intent, ...); keys are identifiers, never addresses. */
  props: Record<string, string>;
  /** Set on Parley's own events about a conversation, so metrics need no join. */
  sequenceId?: string | undefined;
  stepId?: string | undefined;
  enrollmentId?: string | undefined;
  receivedAt: Date;
}

/**
 * One entry into or exit from a segment (collection `segment_changes`), with the membership as it
 * stands after it: a contact's newest change in a segment is its membership there. `_id` is
 * `<segmentId>:<contactId>#<n>`: inserting change n is the guard, atomic on MongoDB and FerretDB,
 * so two refreshes running at once record (and act on) a change once. Insert-only on purpose:
 * FerretDB v1 scans the whole collection for every update, even by _id.
 */
export interface SegmentChangeDoc {
  _id: string;
  segmentId: string;
  contactId: string;
  n: number;
  change: 'entered' | 'exited';
  /** In the segment after this change (change === 'entered'). */
  member: boolean;
  /** Entries so far, this one included. */
  entries: number;
  at: Date;
  /** Why, in words: the rules that held or failed. */
  reason: string;
  /** On an entry: what brought the contact in, for templates (see EnrollmentDoc.context). */
  context?: Record<string, string> | undefined;
}

/**
 * An event waiting to be folded into its contact's rollup (collection `rollup_queue`). `_id` is
 * the event's own `_id`, so recording an event twice queues it once. Inserted *before* the event,
 * so a crash between the two leaves a marker (harmless: it expires) rather than an event no rollup
 * ever counts. Deleted once a rollup pass has read the event. Kept small on purpose: FerretDB v1
 * reads a collection whole for most queries, and this one holds only what is not yet folded.
 */
export interface RollupQueueDoc {
  _id: string;
  contactId: string;
  type: string;
  queuedAt: Date;
}

/** What one segment event condition saw of a contact's events (see ContactRollupDoc). */
export interface ConditionTallyDoc {
  /** Matching events (future-dated ones included): ever for a condition without a window; for a windowed one only those within its type's horizon (read `recent` instead). */
  count: number;
  /** Only for conditions with a window: times of the matching events still inside it when computed, oldest first. */
  recent?: Date[] | undefined;
  /** The newest matching event, for conditions that bring contacts in (templates' event_* variables). */
  newest?: { type: string; at: Date; props: Record<string, string> } | undefined;
}

/**
 * Per contact, what the segments' event conditions see of its events (collection
 * `contact_rollups`), so evaluating a contact reads one document, not its
 * events. The event pass adds queued events to it, one pass at a time (a lease); rebuilds and
 * repairs recompute it whole from the contact's events (see segments/rollups.ts). Built for one
 * set of conditions (`definitions`, a hash); a document built
 * for another set counts as empty until the rebuild that follows a segment-file edit.
 */
export interface ContactRollupDoc {
  /** `<definitions>:<contactId>`. */
  _id: string;
  contactId: string;
  definitions: string;
  /** Keyed by condition id (a hex hash of the condition: never an address, never a dot). */
  conditions: Record<string, ConditionTallyDoc>;
  /** Events of the referenced types, within their horizons (see segments/rollup.ts), this was computed from. */
  events: number;
  computedAt: Date;
  /**
   * Queue markers (`rollup_queue`, the events' ids) this rollup counts that were still queued when
   * it was written: a fold cut off before it deleted them must not count them again.
   */
  folded?: string[] | undefined;
}

/** Which condition set the rollups were last rebuilt for (collection `rollup_state`, `_id: 'segment-conditions'`). */
export interface RollupStateDoc {
  _id: string;
  definitions: string;
  builtAt: Date;
}

/**
 * A stats event not yet in its day's summary (collection `stats_queue`): inserted *before* the
 * event (src/events/own.ts), so a day whose summary may miss an event always has a marker, and a
 * stats read takes such a day from the events themselves. `_id` is the event's `_id`. Deleted by
 * the summary build that includes the event (src/stats/days.ts).
 */
export interface StatsQueueDoc {
  _id: string;
  /** The event's UTC day, YYYY-MM-DD. */
  day: string;
  queuedAt: Date;
}

/**
 * One version of one UTC day's stats summary (collection `stats_days`): the day's sends and
 * outcomes in compact form, split into parts (collection `stats_day_parts`) by sequence. `_id` is
 * `<day>#<version>`: inserting it (after its parts) is the guard, atomic on MongoDB and FerretDB,
 * so two builds at once make one version; never updated. The highest version is the day's summary.
 */
export interface StatsDayDoc {
  _id: string;
  day: string;
  version: number;
  /** The parts, by `_id`, each with the sequence its events name (absent: none). */
  parts: Array<{ id: string; sequenceId?: string | undefined; events: number }>;
  builtAt: Date;
}

/** A slice of a day summary's events, all of one sequence (see StatsDayDoc and src/stats/days.ts). */
export interface StatsDayPartDoc {
  /** `<day>#<version>/<build>/<n>`: a random build id, so a losing build's parts never collide. */
  _id: string;
  day: string;
  sequenceId?: string | undefined;
  /** JSON of the compact event tuples (src/stats/days.ts): one string decodes far faster than subdocuments. */
  events: string;
}

/**
 * One document, `_id: 'tasks'`, whose token changes with every write to the task queue: an open
 * inbox reads it by `_id` (the one read FerretDB v1 answers without a scan) to learn that
 * something changed, since FerretDB v1 has no change streams.
 */
export interface InboxSignalDoc {
  _id: 'tasks';
  token: string;
  at: Date;
}
