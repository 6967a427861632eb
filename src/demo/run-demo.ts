import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config.ts';
import { embeddedServerSettings, startEmbeddedServers } from '../embedded/index.ts';
import { deliveryStore, enrollmentStore, replyStore } from '../db/index.ts';
import { enrollContacts } from '../enrollments/index.ts';
import { ErrorCodes, ParleyError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { loadSequenceFile, formatProblem, type Sequence } from '../sequences/index.ts';
import { listOpenTasks } from '../tasks/index.ts';
import { startWorker } from '../worker.ts';
import { DEMO_LEADS } from './replies.ts';
import { printSummary } from './summary.ts';

const EXAMPLE_SEQUENCE = fileURLToPath(new URL('../../sequences/trial-follow-up.yaml', import.meta.url));
/** The demo plays a day of the sequence's waits in one second, so follow-ups go out while you watch. */
const DAY_IN_DEMO_MS = 1000;

/**
 * Parley's main job on embedded servers: FerretDB (unless MONGODB_URL is set), a throwaway Dovecot
 * mailbox and an SMTP sink. Enrolls sample leads, sends, delivers their replies into the mailbox,
 * lets the worker handle them and prints what happened.
 */
export async function runDemo(
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
  out: (line: string) => void,
): Promise<void> {
  if (!env.MONGODB_URL) out('Starting the embedded FerretDB (MongoDB wire protocol), Dovecot and an SMTP sink...');
  const servers = await startEmbeddedServers({ mongoUrl: env.MONGODB_URL });
  const stops: Array<() => Promise<void>> = [() => servers.stop()];
  try {
    const { mongoUrl, sink, mailbox } = servers;
    out(`Mail: SMTP sink on 127.0.0.1:${sink.port}, Dovecot IMAP on 127.0.0.1:${mailbox.port} (local demo servers, no TLS).`);

    const config = loadConfig({
      ...env,
      ...embeddedServerSettings({ mongoUrl, sink, mailbox }),
      MONGODB_DB: env.MONGODB_DB ?? `parley_demo_${Date.now()}`,
      MESSAGE_ID_DOMAIN: 'parley.example',
    });
    const sequence = await demoSequence();
    out(
      `Sequence "${sequence.name}": ${sequence.steps.length} steps; the demo plays each day of waiting in ${DAY_IN_DEMO_MS / 1000} s and sends at any hour.`,
    );

    const worker = await startWorker({ config, logger, sequences: new Map([[sequence.id, sequence]]) });
    stops.push(() => worker.stop());
    const db = worker.database;

    await enrollContacts(db, sequence, DEMO_LEADS);
    out(`Enrolled ${DEMO_LEADS.length} leads. Waiting for the first emails...`);
    await until(async () => (await deliveryStore(db).countSentOfStep(sequence.steps[0]!.id)) === DEMO_LEADS.length);

    const repliers = DEMO_LEADS.filter((lead) => lead.reply);
    for (const lead of repliers) {
      const reply = lead.reply!;
      const delivery = await deliveryStore(db).sentTo(lead.email);
      const threadHeaders =
        reply.keepThreadHeaders && delivery ? [`In-Reply-To: ${delivery.messageId}`, `References: ${delivery.messageId}`] : [];
      const headers = [
        `From: ${reply.from}`,
        `To: ${sequence.sender.name} <${sequence.sender.address}>`,
        `Subject: Re: ${delivery?.subject ?? ''}`,
        `Date: ${new Date().toUTCString()}`,
        `Message-ID: <demo-${lead.firstName.toLowerCase()}-${Date.now()}@${lead.email.split('@')[1]}>`,
        ...threadHeaders,
        ...Object.entries(reply.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
        'Content-Type: text/plain; charset=utf-8',
      ];
      await mailbox.deliver(`${headers.join('\r\n')}\r\n\r\n${reply.body.replace(/\n/g, '\r\n')}`);
    }
    out(`${repliers.length} leads replied; the worker is reading the mailbox...`);
    await until(async () => (await replyStore(db).countHandled()) === repliers.length);
    out('Waiting for the follow-ups of the lead who did not reply...');
    await until(async () => (await enrollmentStore(db).countInStatus('completed')) === DEMO_LEADS.length - repliers.length, 30_000);

    await printSummary(db, sequence, await listOpenTasks(db), sink.received.length, out);
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

async function demoSequence(): Promise<Sequence> {
  const loaded = await loadSequenceFile(EXAMPLE_SEQUENCE);
  if (!loaded.ok) {
    throw new ParleyError(ErrorCodes.SEQUENCE_INVALID, `The example sequence is broken:\n${loaded.problems.map(formatProblem).join('\n')}`);
  }
  const dayMs = 24 * 60 * 60 * 1000;
  const sequence = loaded.sequence;
  return {
    ...sequence,
    // Any day, any hour: the demo has to run whenever you try it, not only in office hours.
    policy: {
      ...sequence.policy,
      sendDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      sendHours: { startMinute: 0, endMinute: 24 * 60 },
    },
    steps: sequence.steps.map((step) => ({
      ...step,
      wait: {
        kind: 'duration' as const,
        ms: step.wait.kind === 'duration' ? Math.round((step.wait.ms / dayMs) * DAY_IN_DEMO_MS) : step.wait.days * DAY_IN_DEMO_MS,
      },
    })),
  };
}

async function until(done: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline)
      throw new ParleyError(
        ErrorCodes.EMBEDDED_SERVICE_FAILED,
        `The demo stalled for ${timeoutMs / 1000} s; run with LOG_LEVEL=info to see why.`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}
