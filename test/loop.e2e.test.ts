import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDatabase, type Database } from '../src/db/index.ts';
import { replyMessage } from './support/mail.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';
import { killAllCli, runCli, startCli, type CliProcess } from './support/worker-process.ts';

// The whole loop as a person runs it, with no mock in the path: `parley enroll`, a `parley worker`
// process sending over SMTP, a lead's reply delivered into Dovecot, the worker pausing the
// enrollment and queueing a task, and the follow-up going out only to the lead who did not reply.
const FOLLOW_UP_WAIT_SECONDS = 12;

describe('the loop, end to end', () => {
  let services: TestServices;
  let db: Database;
  let worker: CliProcess;
  let env: Record<string, string>;
  let sequencesDir: string;

  beforeAll(async () => {
    // The follow-up waits long enough that the reply is handled before it is due even on a loaded
    // CI machine (3 s was not: a poll and a parse under load took longer, so the case under test,
    // a reply before the follow-up, did not happen).
    sequencesDir = mkdtempSync(join(tmpdir(), 'parley-loop-'));
    const fixture = readFileSync('test/fixtures/sequences/quick-follow-up.yaml', 'utf8');
    const edited = fixture.replace('wait: 3 seconds', `wait: ${FOLLOW_UP_WAIT_SECONDS} seconds`);
    assert.notEqual(edited, fixture, 'the fixture still has the 3-second wait this test lengthens');
    writeFileSync(join(sequencesDir, 'quick-follow-up.yaml'), edited);
    services = await startTestServices();
    env = services.env({ SEQUENCES_DIR: sequencesDir });
    db = await connectDatabase(services.mongoUrl, services.database);
    worker = startCli(['worker'], env);
  });
  afterAll(async () => {
    await killAllCli();
    await db?.close();
    await services?.stop();
    if (sequencesDir) rmSync(sequencesDir, { recursive: true, force: true });
  });

  it('sends, hears the reply, pauses that enrollment, queues a task, and follows up only with the silent lead', async () => {
    const out = await runCli(
      ['enroll', 'quick-follow-up', 'replier@lead.example', 'Silent@Lead.example', '--company', 'Acme', '--force'],
      env,
    );
    assert.match(out, /replier@lead\.example: enrolled/);
    assert.match(out, /silent@lead\.example: enrolled/);

    const firstEmails = await services.sink.waitFor(2, 20_000);
    const toReplier = firstEmails.find((m) => m.envelopeTo[0] === 'replier@lead.example');
    assert.equal(toReplier?.parsed.subject, 'Quick question about Acme');
    assert.equal(toReplier?.parsed.from?.value[0]?.address, 'dana@parley.test');
    const stepOneId = toReplier?.parsed.messageId ?? '';

    await services.mailbox.deliver(
      replyMessage({
        from: 'Riley Replier <replier@lead.example>',
        to: 'dana@parley.test',
        subject: 'Re: Quick question about Acme',
        messageId: '<riley-1@lead.example>',
        inReplyTo: stepOneId,
        references: [stepOneId],
        body: 'Interesting timing, we were just talking about this. Could you show me a demo on Thursday?\n\nOn Tue, Dana wrote:\n> What made you look for a new way to talk to your customers this month?',
      }),
    );
    const reply = await eventually('the reply handled', async () => {
      const r = await db.replies.findOne({ messageId: '<riley-1@lead.example>', state: 'processed' });
      return r ?? undefined;
    });
    const replier = await db.enrollments.findOne({ email: 'replier@lead.example' });
    assert.equal(replier?.status, 'paused');
    assert.equal(reply.enrollmentId, replier?._id);
    // The reply came in before the follow-up's send time: that is the case under test.
    assert.ok(
      replier?.nextStepAt && reply.processedAt && reply.processedAt < replier.nextStepAt,
      'reply handled before the follow-up was due',
    );
    const task = await db.tasks.findOne({ replyId: reply._id });
    assert.equal(task?.status, 'open');
    assert.equal(task?.intent, reply.intent);

    // The silent lead's follow-up arrives in the same thread...
    const all = await services.sink.waitFor(3, (FOLLOW_UP_WAIT_SECONDS + 20) * 1000);
    const followUp = all.find((m) => m.envelopeTo[0] === 'silent@lead.example' && m.parsed.inReplyTo);
    assert.equal(followUp?.parsed.subject, 'Re: Quick question about Acme');
    const silentFirst = all.find((m) => m.envelopeTo[0] === 'silent@lead.example' && !m.parsed.inReplyTo);
    assert.equal(followUp?.parsed.inReplyTo, silentFirst?.parsed.messageId);
    // ...and a send run that started after the replier's follow-up was due has finished, yet it
    // did not go out.
    await eventually('a send run after the replier was due', async () => {
      const dueAt = replier.nextStepAt!;
      const run = await db.db
        .collection('agenda_jobs')
        .findOne({ name: 'send-due-steps', lastRunAt: { $gt: dueAt }, lastFinishedAt: { $gt: dueAt } });
      return run ?? undefined;
    });
    assert.equal(services.sink.received.filter((m) => m.envelopeTo[0] === 'replier@lead.example').length, 1);
    assert.equal(await db.deliveries.countDocuments({ to: 'replier@lead.example', stepId: 'nudge' }), 0);

    assert.equal(await worker.kill('SIGTERM'), 0, worker.output());
  });
});
