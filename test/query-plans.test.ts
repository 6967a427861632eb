import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type Document } from 'mongodb';
import { replyMessage } from './support/mail.ts';
import { startCommandRecorder, type CommandRecorder, type RecordedCommand } from './support/command-recorder.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';
import { killAllCli, runCli, startCli } from './support/worker-process.ts';

// Every query the real worker and CLI send, recorded on the wire while they do a day's work, is
// explained on the database under test. The hot queries named below must be served by an index
// (on the embedded FerretDB that rests on Parley's patch, tools/ferretdb/patch); every other
// query is listed with its plan, so a new scan shows up in review. PARLEY_QUERY_PLANS=<file>
// writes the table docs/ARCHITECTURE.md quotes.

interface HotQuery {
  name: string;
  collection: string;
  /** Which recorded filters are this query. */
  matches(filter: Document): boolean;
}

/** True when the filter, or one of its $or/$and branches, names every key. */
const has = (f: Document, ...keys: string[]): boolean =>
  keys.every((k) => k in f) ||
  ['$or', '$and'].some((op) => Array.isArray(f[op]) && (f[op] as Document[]).some((branch) => has(branch, ...keys)));

/** The queries Parley runs per step, per reply, per task action or per event: never a scan. */
const HOT_QUERIES: HotQuery[] = [
  { name: 'due steps', collection: 'enrollments', matches: (f) => has(f, 'status', 'nextStepAt') },
  { name: 'an enrollment by id (send guard, reply match)', collection: 'enrollments', matches: (f) => has(f, '_id') },
  { name: 'a contact by id', collection: 'contacts', matches: (f) => has(f, '_id') },
  { name: 'a contact by address', collection: 'contacts', matches: (f) => has(f, 'email') },
  { name: 'send claims of a step', collection: 'send_claims', matches: (f) => has(f, '_id') },
  { name: 'send caps per contact', collection: 'send_claims', matches: (f) => has(f, 'to', 'claimedAt') },
  { name: 'send caps per mailbox', collection: 'send_claims', matches: (f) => has(f, 'from', 'claimedAt') },
  { name: 'a reply by Message-ID', collection: 'replies', matches: (f) => has(f, 'messageId') || has(f, '_id') },
  { name: 'a task by id', collection: 'tasks', matches: (f) => has(f, '_id') },
  { name: "a task's thread: the replies of its enrollment", collection: 'replies', matches: (f) => has(f, 'enrollmentId') },
  { name: 'task queue', collection: 'tasks', matches: (f) => has(f, 'status') },
  { name: "a contact's events", collection: 'events', matches: (f) => has(f, 'contactId') },
  { name: 'mailbox cursor and lease', collection: 'mailbox_cursors', matches: (f) => has(f, '_id') },
  { name: "a contact's segment rollup", collection: 'contact_rollups', matches: (f) => has(f, '_id') },
  { name: 'queued events folded into rollups', collection: 'rollup_queue', matches: (f) => has(f, '_id') },
  { name: 'every queued event of the contacts being folded', collection: 'rollup_queue', matches: (f) => has(f, 'contactId') },
  { name: 'the queued events themselves, by id', collection: 'events', matches: (f) => has(f, '_id') },
  { name: "the event pass's lease", collection: 'mailbox_leases', matches: (f) => has(f, 'mailbox') },
  { name: "stats: the period's sends and outcomes", collection: 'events', matches: (f) => has(f, 'type', 'at') },
  { name: "stats: the period's enrollments", collection: 'enrollments', matches: (f) => has(f, 'enrolledAt') },
  { name: 'stats: days with a late event', collection: 'stats_queue', matches: (f) => has(f, 'day') || has(f, '_id') },
  { name: "stats: the period's day summaries", collection: 'stats_days', matches: (f) => has(f, 'day') || has(f, '_id') },
  // Sent on every run of the webhook job, endpoints or not.
  { name: 'webhooks: the due deliveries', collection: 'webhook_deliveries', matches: (f) => has(f, 'state', 'nextAttemptAt') },
];

interface Plan {
  indexed: boolean;
  plan: string;
}

describe('query plans: the hot queries are served by an index', () => {
  let services: TestServices;
  let recorder: CommandRecorder;
  let client: MongoClient;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    services = await startTestServices();
    recorder = await startCommandRecorder(services.mongoUrl);
    client = await new MongoClient(services.mongoUrl).connect();
    dir = await mkdtemp(join(tmpdir(), 'parley-plans-'));
    await mkdir(join(dir, 'sequences'));
    await mkdir(join(dir, 'segments'));
    await copyFile('test/fixtures/sequences/quick-follow-up.yaml', join(dir, 'sequences', 'quick-follow-up.yaml'));
    await copyFile('test/fixtures/segment-audience/sequences/pricing-visitor.yaml', join(dir, 'sequences', 'pricing-visitor.yaml'));
    await copyFile('test/fixtures/segment-audience/segments/pricing-visitors.yaml', join(dir, 'segments', 'pricing-visitors.yaml'));
    env = services.env({
      MONGODB_URL: recorder.url,
      SEQUENCES_DIR: join(dir, 'sequences'),
      SEGMENTS_DIR: join(dir, 'segments'),
      PARLEY_REP_PASSWORD: 'correct horse battery staple',
    });
  });
  afterAll(async () => {
    await killAllCli();
    await client?.close();
    await recorder?.stop();
    await services?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('records a day of work and finds every hot query on an index', async () => {
    await runCli(['reps', 'add', 'rita@parley.test', '--name', 'Rita'], env);
    const worker = startCli(['worker'], env);
    await runCli(['enroll', 'quick-follow-up', 'replier@lead.example', 'silent@lead.example', '--force'], env);
    const sent = await services.sink.waitFor(2, 30_000);
    const toReplier = sent.find((m) => m.envelopeTo[0] === 'replier@lead.example');
    const stepOne = toReplier?.parsed.messageId ?? '';
    await services.mailbox.deliver(
      replyMessage({
        from: 'Riley <replier@lead.example>',
        to: 'dana@parley.test',
        subject: 'Re: question',
        messageId: '<plans-1@lead.example>',
        inReplyTo: stepOne,
        references: [stepOne],
        body: 'Yes, could you show me a demo on Thursday?',
      }),
    );
    const events = join(dir, 'events.jsonl');
    const at = Date.now();
    await writeFile(
      events,
      [1, 2]
        .map((n) =>
          JSON.stringify({
            id: `visit-${n}`,
            email: 'visitor@lead.example',
            type: 'page_visited',
            at: at - n * 60_000,
            props: { url: '/pricing' },
          }),
        )
        .join('\n'),
    );
    await runCli(['events', 'import', events], env);
    await runCli(['segments', 'refresh'], env);
    const database = client.db(services.database);
    await eventually(
      'the reply handled and a task queued',
      async () => ((await database.collection('tasks').countDocuments({})) > 0 ? true : undefined),
      60_000,
    );
    await runCli(['tasks', 'list', '--as', 'rita@parley.test'], env);
    const task = await database.collection('tasks').findOne({});
    await runCli(['reps', 'add', 'ada@parley.test', '--name', 'Ada', '--admin'], env);
    await runCli(['tasks', 'show', String(task?._id), '--as', 'ada@parley.test'], env);
    await runCli(['stats'], env);
    assert.equal(await worker.kill('SIGTERM'), 0, worker.output());

    const plans = new Map<string, { command: RecordedCommand; plan: Plan }>();
    for (const command of recorder.commands) {
      if (command.collection.startsWith('agenda') || command.collection.startsWith('system.')) continue;
      const key = `${command.collection} ${JSON.stringify(shapeOf(command.filter))}`;
      if (plans.has(key)) continue;
      plans.set(key, { command, plan: await explain(client, services.database, command) });
    }

    const rows = [...plans.entries()].sort(([a], [b]) => a.localeCompare(b));
    const table = [
      '| collection | filter (shape) | plan on this database |',
      '|---|---|---|',
      ...rows.map(
        ([, { command, plan }]) =>
          `| ${command.collection} | \`${JSON.stringify(shapeOf(command.filter))}\` | ${plan.indexed ? '' : '**scan** '}${plan.plan} |`,
      ),
    ].join('\n');
    if (process.env.PARLEY_QUERY_PLANS) await writeFile(process.env.PARLEY_QUERY_PLANS, `${table}\n`);

    const problems: string[] = [];
    for (const hot of HOT_QUERIES) {
      const seen = rows.filter(([, { command }]) => command.collection === hot.collection && hot.matches(command.filter));
      if (seen.length === 0) problems.push(`${hot.name}: not sent during the run (the test's workload or the matcher is out of date)`);
      for (const [, { command, plan }] of seen) {
        if (!plan.indexed)
          problems.push(`${hot.name}: ${command.collection} ${JSON.stringify(shapeOf(command.filter))} scans: ${plan.plan}`);
      }
    }
    assert.deepEqual(problems, [], `\n${table}`);
  });
});

/** The filter with its values replaced by their types, so two runs of one query look the same. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (value instanceof Date) return 'date';
  if (value !== null && typeof value === 'object' && value.constructor === Object) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]));
  }
  if (value === null) return 'null';
  return typeof value;
}

/** Explains the recorded query as a find with its filter (FerretDB answers updates the same way). */
async function explain(client: MongoClient, database: string, command: RecordedCommand): Promise<Plan> {
  const result = await client
    .db(database)
    .command({ explain: { find: command.collection, filter: command.filter }, verbosity: 'queryPlanner' });
  const planner = (result.queryPlanner ?? {}) as Document;
  if (Array.isArray(planner.Plan)) {
    // FerretDB on SQLite: the lines of SQLite's EXPLAIN QUERY PLAN.
    const details = (planner.Plan as string[]).map((line) => line.replace(/^.*detail=/, ''));
    const indexed = details.some((d) => d.startsWith('SEARCH')) && !details.some((d) => /^SCAN \S+$/.test(d));
    return { indexed, plan: details.join('; ').replace(/\|/g, '/') };
  }
  // MongoDB: the winning plan's stages.
  const winning = JSON.stringify(planner.winningPlan ?? {});
  const stages = [...winning.matchAll(/"stage":"(\w+)"/g)].map((m) => m[1]).join(' < ');
  const indexName = /"indexName":"([^"]+)"/.exec(winning)?.[1];
  return { indexed: !winning.includes('COLLSCAN'), plan: `${stages}${indexName ? ` (${indexName})` : ''}` };
}
