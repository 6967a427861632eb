import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { BulkWriteOptions, Collection, Document, Filter, FindOptions } from 'mongodb';
import type { ContactDoc, ContactRollupDoc, Database, EventDoc, ParleyCollections, SegmentChangeDoc } from '../src/db/index.ts';
import { planRollups, readMemberships, refreshAllSegments, refreshContacts } from '../src/segments/index.ts';
import { sequenceOf } from '../src/sequences/testing.ts';
import { segmentOf } from '../src/segments/testing.ts';
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
`);

const withCompany = segmentOf(`id: with-company
name: Contacts with a company
rules:
  all:
    - field: company
      exists: true
`);

const followUp = sequenceOf(`id: pricing-follow-up
name: Pricing follow-up
sender: { name: Dana, address: dana@parley.example }
audience: { manual: false, segment: pricing }
steps:
  - { id: one, subject: Hello, body: "Hi. Which plan were you weighing? Just reply." }
`);

/** Ids that are not UUIDs still land in exactly one slice: below every hex digit, upper case, past 'f', empty, not ASCII. */
const ODD_IDS = ['zz-contact', 'A1', '', '0', '~tilde', 'ä-contact', 'g', 'FFFF'];
/** More contacts than the refresh evaluates in one slice several times over, so it cuts them into many. */
const CONTACTS = 3_200;

/** Who should be where, by construction: every fourth contact visited pricing twice, every seventh has a company (odd ids among them). */
const visitsPricing = (i: number) => i % 4 === 0;
const hasCompany = (i: number) => i % 7 === 0;

async function seed(db: Database, now: Date): Promise<string[]> {
  const ids = [...ODD_IDS, ...Array.from({ length: CONTACTS - ODD_IDS.length }, () => randomUUID())];
  const contacts: ContactDoc[] = ids.map((_id, i) => ({
    _id,
    email: `c${i}@lead.example`,
    ...(hasCompany(i) && { company: `Company ${i}` }),
    fields: {},
    createdAt: now,
    updatedAt: now,
  }));
  await db.contacts.insertMany(contacts);
  const at = new Date(now.getTime() - DAY);
  const events: EventDoc[] = ids.flatMap((contactId, i) =>
    visitsPricing(i)
      ? [1, 2].map((n) => ({
          _id: `visit-${i}-${n}`,
          contactId,
          type: 'page_visited',
          at,
          source: 'import' as const,
          props: { url: '/pricing' },
          receivedAt: at,
        }))
      : [],
  );
  await db.events.insertMany(events);
  return ids;
}

/** A collection whose listed methods are replaced, the rest the collection's own. */
function withOverrides<T extends Document>(collection: Collection<T>, overrides: Partial<Collection<T>>): Collection<T> {
  return new Proxy(collection, {
    get(target, key) {
      if (Object.hasOwn(overrides, key)) return overrides[key as keyof Collection<T>];
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function membersOf(db: Database, segmentId: string): Promise<string[]> {
  return [...(await readMemberships(db, { segmentId })).values()]
    .filter((m) => m.member)
    .map((m) => m.contactId)
    .sort();
}

const expected = (ids: readonly string[], holds: (i: number) => boolean) => ids.filter((_, i) => holds(i)).sort();

// The full refresh reads the contacts in one pass and evaluates them a slice at a time (its
// rollups, memberships and enrollments read together): every contact is evaluated once, whatever
// its id, and a refresh cut off part way records each change once when it runs again.
describe('full segment refresh in slices', () => {
  let testDb: TestDatabase | undefined;
  let db: Database;
  let ids: string[];
  const now = new Date('2026-11-20T10:00:00Z');
  const input = { segments: [pricing, withCompany], sequences: [followUp], now };
  const plan = planRollups(input.segments);

  beforeAll(async () => {
    testDb = await startTestDatabase('refresh_slices');
    db = testDb.db;
    ids = await seed(db, now);
  });
  afterAll(async () => {
    await testDb?.stop();
  });

  it('evaluates every contact exactly once, ids that are not UUIDs too, and records the memberships the rules give', async () => {
    const asked: string[] = [];
    const rollups = db.contactRollups;
    const find = ((filter: Filter<ContactRollupDoc>, options?: FindOptions) => {
      const wanted: unknown = (filter._id as { $in?: unknown } | undefined)?.$in;
      if (Array.isArray(wanted)) asked.push(...wanted.map(String));
      return rollups.find(filter, options);
    }) as Collection<ContactRollupDoc>['find'];
    const counted: ParleyCollections = { ...db, contactRollups: withOverrides(rollups, { find }) };

    const report = await refreshAllSegments(counted, input);

    assert.equal(report.contacts, CONTACTS);
    const prefix = `${plan.definitions}:`;
    assert.equal(asked.length, CONTACTS, "each contact's rollup read once");
    assert.deepEqual([...asked].sort(), ids.map((id) => prefix + id).sort());
    const pricingMembers = expected(ids, visitsPricing);
    const companyMembers = expected(ids, hasCompany);
    assert.deepEqual(await membersOf(db, 'pricing'), pricingMembers);
    assert.deepEqual(await membersOf(db, 'with-company'), companyMembers);
    assert.equal(report.entered, pricingMembers.length + companyMembers.length);
    assert.equal(report.enrolled, pricingMembers.length);
    assert.equal(await db.enrollments.countDocuments({ sequenceId: followUp.id }), pricingMembers.length);

    // The per-contact path agrees with every verdict: it finds nothing to change, odd ids included.
    const sample = [...ODD_IDS, ...ids.slice(ODD_IDS.length, ODD_IDS.length + 16)];
    const again = await refreshContacts(db, sample, input);
    assert.deepEqual(
      { entered: again.entered, exited: again.exited, contacts: again.contacts },
      { entered: 0, exited: 0, contacts: sample.length },
    );
    const quiet = await refreshAllSegments(db, input);
    assert.deepEqual(quiet, { contacts: CONTACTS, entered: 0, exited: 0, enrolled: 0, stopped: 0 });
  });

  it('ends between two slices when the worker stops, and the next refresh evaluates everyone', async () => {
    const stopping = new AbortController();
    const rollups = db.contactRollups;
    // The worker stops while the first slice is being read: slices already started finish, no new one starts.
    const find = ((filter: Filter<ContactRollupDoc>, options?: FindOptions) => {
      stopping.abort();
      return rollups.find(filter, options);
    }) as Collection<ContactRollupDoc>['find'];
    const stopped = await refreshAllSegments(
      { ...db, contactRollups: withOverrides(rollups, { find }) },
      { ...input, stopping: stopping.signal },
    );
    assert.ok(stopped.contacts > 0 && stopped.contacts < CONTACTS, `${stopped.contacts} of ${CONTACTS} evaluated before the stop`);
    assert.equal((await refreshAllSegments(db, input)).contacts, CONTACTS);
  });

  const failures: Array<{ when: string; inject: (db: Database, fail: () => void) => ParleyCollections }> = [
    {
      when: 'reading a later slice',
      inject: (d, fail) => {
        const rollups = d.contactRollups;
        let reads = 0;
        const find = ((filter: Filter<ContactRollupDoc>, options?: FindOptions) => {
          if (++reads === 3) fail();
          return rollups.find(filter, options);
        }) as Collection<ContactRollupDoc>['find'];
        return { ...d, contactRollups: withOverrides(rollups, { find }) };
      },
    },
    {
      when: 'recording a later slice, after its enrollments',
      inject: (d, fail) => {
        const changes = d.segmentChanges;
        let writes = 0;
        const insertMany = ((docs: readonly SegmentChangeDoc[], options?: BulkWriteOptions) => {
          if (++writes === 2) fail();
          return changes.insertMany(docs, options);
        }) as Collection<SegmentChangeDoc>['insertMany'];
        return { ...d, segmentChanges: withOverrides(changes, { insertMany }) };
      },
    },
  ];

  for (const { when, inject } of failures) {
    it(`records each change once when a refresh that failed ${when} runs again`, async () => {
      await db.segmentChanges.deleteMany({});
      await db.enrollments.deleteMany({});
      const failing = inject(db, () => {
        throw new Error('injected: the worker died');
      });
      await assert.rejects(refreshAllSegments(failing, input), /injected/);
      const recordedBefore = await db.segmentChanges.countDocuments({});
      const total = expected(ids, visitsPricing).length + expected(ids, hasCompany).length;
      assert.ok(recordedBefore > 0 && recordedBefore < total, `cut off part way (${recordedBefore} of ${total} recorded)`);

      const report = await refreshAllSegments(db, input);

      assert.equal(report.entered, total - recordedBefore, 'the second run records what the first did not');
      const changes = await db.segmentChanges.find({}, { projection: { segmentId: 1, contactId: 1, n: 1 } }).toArray();
      assert.equal(changes.length, total);
      assert.ok(
        changes.every((c) => c.n === 1),
        'one change per contact and segment',
      );
      assert.deepEqual(await membersOf(db, 'pricing'), expected(ids, visitsPricing));
      assert.deepEqual(await membersOf(db, 'with-company'), expected(ids, hasCompany));
      const enrolled = await db.enrollments.find({ sequenceId: followUp.id }, { projection: { contactId: 1 } }).toArray();
      assert.equal(enrolled.length, expected(ids, visitsPricing).length);
      assert.equal(new Set(enrolled.map((e) => e.contactId)).size, enrolled.length, 'each contact enrolled once');
    });
  }

  it('records each change once when refreshes race over the same slices', async () => {
    await db.segmentChanges.deleteMany({});
    await db.enrollments.deleteMany({});
    const reports = await Promise.all([refreshAllSegments(db, input), refreshAllSegments(db, input)]);
    const total = expected(ids, visitsPricing).length + expected(ids, hasCompany).length;
    assert.equal(
      reports.reduce((n, r) => n + r.entered, 0),
      total,
    );
    assert.equal(
      reports.reduce((n, r) => n + r.enrolled, 0),
      expected(ids, visitsPricing).length,
    );
    assert.equal(await db.segmentChanges.countDocuments({}), total);
    assert.equal(await db.enrollments.countDocuments({ sequenceId: followUp.id }), expected(ids, visitsPricing).length);
  });
});
