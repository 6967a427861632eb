import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Database } from '../src/db/index.ts';
import { recordEvents } from '../src/events/index.ts';
import { explainContact, readMemberships, refreshAllSegments, refreshContacts } from '../src/segments/index.ts';
import { segmentOf } from '../src/segments/testing.ts';
import { sequenceOf } from '../src/sequences/testing.ts';
import { startTestDatabase, type TestDatabase } from '../src/db/testing.ts';

const DAY = 24 * 60 * 60 * 1000;

const pricing = segmentOf(`id: pricing
name: Pricing page visitors
rules:
  all:
    - event: page_visited
      where: { url: { starts_with: /pricing } }
      at_least: 2
      within: 7 days
    - not: { event: reply_sent }
`);

const sequence = (audience: string) =>
  sequenceOf(`id: pricing-follow-up
name: Pricing follow-up
sender: { name: Dana, address: dana@parley.example }
audience: ${audience}
steps:
  - id: one
    subject: "The {{ event_url | default: 'pricing' }} page"
    body: "Hi, I saw you on {{ event_url | default: 'our pricing page' }}. Which plan were you weighing? Just reply."
`);

// Segments on the real database (FerretDB v1, or MONGODB_URL): the events API's recorder, the
// database-side counting of the full refresh, the per-contact path, and what entries and exits do.
describe('behaviour segments', () => {
  let testDb: TestDatabase | undefined;
  let db: Database;
  const t0 = new Date('2026-11-02T10:00:00Z');

  beforeAll(async () => {
    testDb = await startTestDatabase('segments');
    db = testDb.db;
  });
  afterAll(async () => {
    await testDb?.stop();
  });

  const visit = (email: string, id: string, url: string, at: Date) => ({
    id,
    email,
    type: 'page_visited',
    at: at.toISOString(),
    props: { url, title: 'Plans' },
  });

  it('records events idempotently by id, creates unknown contacts, and rejects a bad one with its reason', async () => {
    const first = await recordEvents(
      db,
      [
        visit('Ann@Lead.example', 'v1', '/pricing', t0),
        { email: 'not-an-address', type: 'page_visited' },
        { email: 'ann@lead.example', type: 'replied' },
        visit('ann@lead.example', 'v1', '/pricing', t0),
      ],
      { source: 'api', now: t0 },
    );
    assert.deepEqual(
      first.results.map((r) => r.status),
      ['recorded', 'rejected', 'rejected', 'duplicate'],
    );
    const [, badAddress, ownType] = first.results;
    assert.match(badAddress?.status === 'rejected' ? badAddress.reason : '', /email: "not-an-address" is not an email address/);
    assert.match(ownType?.status === 'rejected' ? ownType.reason : '', /type: is one of the types Parley records itself/);
    const again = await recordEvents(db, [visit('ann@lead.example', 'v1', '/pricing', t0)], { source: 'api', now: t0 });
    assert.equal(again.duplicates, 1);
    assert.equal(await db.events.countDocuments({ type: 'page_visited' }), 1);
    const ann = await db.contacts.findOne({ email: 'ann@lead.example' });
    assert.ok(ann, 'the contact was created');
  });

  it('enters a contact when the rule holds, enrolls it once with the page as a template variable, and lets the window expire', async () => {
    const seq = sequence('{ manual: false, segment: pricing, on_exit: stop }');
    const input = (now: Date) => ({ segments: [pricing], sequences: [seq], now });
    await recordEvents(
      db,
      [
        visit('ann@lead.example', 'v2', '/pricing/teams', new Date(t0.getTime() + 60_000)),
        visit('ann@lead.example', 'blog', '/blog/post', t0),
      ],
      { source: 'api', now: t0 },
    );
    const ann = await db.contacts.findOne({ email: 'ann@lead.example' });
    assert.ok(ann);

    const entered = await refreshContacts(db, [ann._id], input(new Date(t0.getTime() + 120_000)));
    assert.deepEqual([entered.entered, entered.enrolled], [1, 1]);
    const membership = (await readMemberships(db, { segmentId: 'pricing' })).get(`pricing:${ann._id}`);
    assert.equal(membership?.member, true);
    assert.match(membership?.reason ?? '', /page_visited where url starts with "\/pricing": 2 in the last 7 days/);
    const enrollment = await db.enrollments.findOne({ contactId: ann._id, sequenceId: 'pricing-follow-up' });
    assert.equal(enrollment?.status, 'active');
    assert.deepEqual(enrollment?.source, { kind: 'segment', segmentId: 'pricing' });
    // The newest matching visit (not the blog post) fills {{ event_url }}.
    assert.equal(enrollment?.context?.event_url, '/pricing/teams');
    assert.equal(enrollment?.context?.segment, 'Pricing page visitors');

    // Nothing changed: a second pass records nothing and enrolls nobody.
    const again = await refreshAllSegments(db, input(new Date(t0.getTime() + 180_000)));
    assert.deepEqual([again.entered, again.exited, again.enrolled], [0, 0, 0]);

    // Eight days on, the visits are outside the window: the full refresh takes her out and, as
    // the audience says, stops the enrollment.
    const later = await refreshAllSegments(db, input(new Date(t0.getTime() + 8 * DAY)));
    assert.deepEqual([later.exited, later.stopped], [1, 1]);
    assert.equal((await readMemberships(db, { segmentId: 'pricing' })).get(`pricing:${ann._id}`)?.member, false);
    const stopped = await db.enrollments.findOne({ _id: enrollment._id });
    assert.deepEqual([stopped?.status, stopped?.statusReason], ['stopped', 'left segment pricing']);
    const history = await db.segmentChanges.find({ contactId: ann._id, segmentId: 'pricing' }).sort({ n: 1 }).toArray();
    assert.deepEqual(
      history.map((h) => [h.n, h.change]),
      [
        [1, 'entered'],
        [2, 'exited'],
      ],
    );
  });

  it('enrolls a returning contact once per contact, or again when the file allows re-entry', async () => {
    const once = sequenceOf(`id: once
name: Once
sender: { name: Dana, address: dana@parley.example }
audience: { manual: false, segment: pricing }
steps:
  - { id: one, subject: Hello, body: "Hi. Which plan? Just reply." }
`);
    const again = sequenceOf(`id: again
name: Again
sender: { name: Dana, address: dana@parley.example }
audience: { manual: false, segment: pricing, reenter: true }
steps:
  - { id: one, subject: Hello, body: "Hi. Which plan? Just reply." }
`);
    const input = (now: Date) => ({ segments: [pricing], sequences: [once, again], now });
    const visitsAt = (start: Date, tag: string) => [
      visit('bo@lead.example', `${tag}-1`, '/pricing', start),
      visit('bo@lead.example', `${tag}-2`, '/pricing', new Date(start.getTime() + 1000)),
    ];
    await recordEvents(db, visitsAt(t0, 'a'), { source: 'api', now: t0 });
    const first = await refreshAllSegments(db, input(new Date(t0.getTime() + 5000)));
    assert.equal(first.enrolled, 2);
    await refreshAllSegments(db, input(new Date(t0.getTime() + 10 * DAY)));
    const back = new Date(t0.getTime() + 20 * DAY);
    await recordEvents(db, visitsAt(back, 'b'), { source: 'api', now: back });
    const second = await refreshAllSegments(db, input(new Date(back.getTime() + 5000)));
    assert.deepEqual([second.entered, second.enrolled], [1, 1]);
    const bo = await db.contacts.findOne({ email: 'bo@lead.example' });
    const rounds = await db.enrollments.find({ contactId: bo?._id }).sort({ sequenceId: 1, round: 1 }).toArray();
    assert.deepEqual(
      rounds.map((e) => [e.sequenceId, e.round]),
      [
        ['again', 1],
        ['again', 2],
        ['once', 1],
      ],
    );
  });

  it('records each entry once and enrolls once when refreshes race, and finishes one cut off before recording', async () => {
    const seq = sequenceOf(`id: race
name: Race
sender: { name: Dana, address: dana@parley.example }
audience: { manual: false, segment: pricing }
steps:
  - { id: one, subject: Hello, body: "Hi. Which plan? Just reply." }
`);
    const at = new Date(t0.getTime() + 40 * DAY);
    await recordEvents(db, [visit('dot@lead.example', 'd1', '/pricing', at), visit('dot@lead.example', 'd2', '/pricing', at)], {
      source: 'api',
      now: at,
    });
    const dot = await db.contacts.findOne({ email: 'dot@lead.example' });
    assert.ok(dot);
    // A refresh that enrolled her and died before recording the change: the enrollment is there, the change is not.
    await db.enrollments.insertOne({
      _id: 'pre-crash',
      contactId: dot._id,
      email: dot.email,
      sequenceId: 'race',
      status: 'active',
      passedStepIds: [],
      skippedSteps: [],
      nextStepAt: at,
      threadMessageIds: [],
      enrolledAt: at,
      updatedAt: at,
      round: 1,
    });
    const input = { segments: [pricing], sequences: [seq], now: new Date(at.getTime() + 1000) };
    const reports = await Promise.all([
      refreshAllSegments(db, input),
      refreshAllSegments(db, input),
      refreshContacts(db, [dot._id], input),
    ]);
    const entered = reports.reduce((n, r) => n + r.entered, 0);
    assert.equal(entered, 1, 'one of the three records the entry');
    assert.equal(await db.segmentChanges.countDocuments({ contactId: dot._id, segmentId: 'pricing' }), 1);
    assert.deepEqual(
      (await db.enrollments.find({ contactId: dot._id, sequenceId: 'race' }).toArray()).map((e) => e._id),
      ['pre-crash'],
    );
  });

  it('counts on the database the way the per-contact path counts in memory, "never" rules included', async () => {
    const never = segmentOf(`id: never-logged-in
name: Never logged in
rules:
  all:
    - field: company
      exists: true
    - event: logged_in
      at_most: 0
    - event: page_visited
      where: { title: { exists: false } }
      at_most: 0
`);
    const now = new Date(t0.getTime() + 30 * DAY);
    await recordEvents(db, [{ email: 'cy@lead.example', type: 'logged_in', at: t0.toISOString() }], { source: 'import', now });
    await db.contacts.updateMany({ email: { $in: ['cy@lead.example', 'ann@lead.example'] } }, { $set: { company: 'Acme' } });
    const report = await refreshAllSegments(db, { segments: [never], sequences: [], now });
    const members = [...(await readMemberships(db, { segmentId: 'never-logged-in' })).values()].filter((m) => m.member);
    const ann = await db.contacts.findOne({ email: 'ann@lead.example' });
    // Ann has a company, never logged in, and every visit of hers has a title; Cy logged in; Bo has no company.
    assert.deepEqual(
      members.map((m) => m.contactId),
      [ann?._id],
    );
    assert.equal(report.entered, 1);
    const verdicts = await explainContact(db, 'cy@lead.example', [never], now);
    assert.equal(verdicts?.[0]?.explanation.ok, false);
    assert.match(JSON.stringify(verdicts?.[0]?.explanation), /logged_in: 1 ever \(needs none\)/);
  });
});
