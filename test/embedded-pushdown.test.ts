import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Collection, Document } from 'mongodb';
import { startTestDatabase, type TestDatabase } from '../src/db/testing.ts';
import { seeded } from './support/random.ts';

// The embedded FerretDB pushes conditions on indexed fields down to SQLite (tools/ferretdb/patch).
// A pushed-down clause may only narrow what FerretDB then filters in Go to a superset of the
// matches, so the same data in a collection with indexes and in one without (where nothing but
// _id is pushed down) must answer every query alike. On MongoDB this holds trivially.
describe('embedded database: indexed queries answer like unindexed ones', () => {
  let t: TestDatabase;
  let indexed: Collection<Document>;
  let plain: Collection<Document>;
  const base = Date.UTC(2026, 11, 5);
  const day = 86_400_000;

  beforeAll(async () => {
    t = await startTestDatabase('pushdown');
    indexed = t.db.db.collection('pushdown_indexed');
    plain = t.db.db.collection('pushdown_plain');
    await indexed.createIndex({ status: 1, at: 1 });
    await indexed.createIndex({ owner: 1 });
    await indexed.createIndex({ n: 1 });
    await indexed.createIndex({ flag: 1 });
    const random = seeded(12);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
    // Every type an indexed field may meet, including the edges of each comparison.
    const atValues = [
      () => new Date(base + Math.floor((random() - 0.5) * 20) * day),
      () => new Date(-1000),
      () => new Date(0),
      () => new Date(base),
      () => null,
      () => undefined,
      () => 'not a date',
      () => Math.floor(random() * 10),
    ];
    const docs: Document[] = [];
    for (let i = 0; i < 400; i++) {
      const doc: Document = {
        _id: `d${i}`,
        status: pick(['active', 'paused', 'Active', 'active ', '', 'ä', 7, null, undefined]),
        at: pick(atValues)(),
        owner: pick(['rita@parley.test', 'sam@parley.test', undefined, null]),
        n: pick([0, 1, -1, 2.5, 1e12, '1', true, undefined]),
        flag: pick([true, false, 1, 0, 'true', undefined]),
      };
      for (const key of Object.keys(doc)) if (doc[key] === undefined) delete doc[key];
      docs.push(doc);
    }
    await indexed.insertMany(docs);
    await plain.insertMany(docs);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const at = (offsetDays: number) => new Date(base + offsetDays * day);
  const filters: Record<string, Document> = {
    'string equality': { status: 'active' },
    'due: equality and a date range': { status: 'active', at: { $lte: at(0) } },
    'date range both sides': { at: { $gte: at(-3), $lt: at(4) } },
    'dates before 1970 and at 0': { at: { $lt: new Date(1) } },
    'date equality': { at: new Date(0) },
    'greater than a date': { at: { $gt: at(2) } },
    'string range': { status: { $gt: 'a', $lte: 'active ' } },
    '$in of strings': { status: { $in: ['paused', 'ä', 'missing'] } },
    '$in with null': { owner: { $in: ['rita@parley.test', null] } },
    'numbers across int and double': { n: { $gte: 1 } },
    'number equality': { n: 1 },
    'boolean equality': { flag: true },
    'false equality': { flag: false },
    '$exists false': { owner: { $exists: false } },
    '$exists true': { owner: { $exists: true } },
    'null equality': { owner: null },
    '$ne (not pushed)': { status: { $ne: 'active' } },
    '$or of indexed branches': { $or: [{ owner: 'rita@parley.test' }, { status: 'paused', at: { $lte: at(1) } }] },
    '$or with an unindexed branch': { $or: [{ owner: 'sam@parley.test' }, { other: 1 }] },
    $and: { $and: [{ status: 'active' }, { at: { $gte: at(-5) } }] },
    '_id with other conditions': { _id: 'd7', status: { $ne: 'nothing' } },
    '_id $in': { _id: { $in: ['d1', 'd2', 'd399', 'none'] } },
    'operators mixed with an unknown one': { at: { $lte: at(3), $type: 'date' } },
  };

  for (const [name, filter] of Object.entries(filters)) {
    it(`${name}: ${JSON.stringify(filter)}`, async () => {
      const ids = async (c: Collection<Document>) =>
        (await c.find(filter, { projection: { _id: 1 } }).toArray()).map((d) => String(d._id)).sort();
      const expected = await ids(plain);
      assert.deepEqual(await ids(indexed), expected);
      assert.equal(await indexed.countDocuments(filter), expected.length);
    });
  }

  // A sort SQLite may serve (the filter pins the sorted field to dates or strings) and ones it may
  // not: the sorted values must come out the same, ties in any order.
  const sorted: Record<string, { filter: Document; sort: Document; limit: number; key: string }> = {
    'due steps, oldest first': { filter: { status: 'active', at: { $lte: at(2) } }, sort: { at: 1 }, limit: 7, key: 'at' },
    'newest first': { filter: { at: { $gte: at(-8) } }, sort: { at: -1 }, limit: 5, key: 'at' },
    'strings in order': { filter: { status: { $gte: 'a' } }, sort: { status: 1 }, limit: 9, key: 'status' },
    'a sort the filter does not pin (sorted in Go)': { filter: { flag: true }, sort: { at: 1 }, limit: 6, key: 'at' },
    'no limit': { filter: { at: { $lt: at(0) } }, sort: { at: 1 }, limit: 0, key: 'at' },
  };
  for (const [name, { filter, sort, limit, key }] of Object.entries(sorted)) {
    it(`sorted: ${name}`, async () => {
      const values = async (c: Collection<Document>) =>
        (await c.find(filter).sort(sort).limit(limit).toArray()).map((d) =>
          d[key] instanceof Date ? d[key].toISOString() : JSON.stringify(d[key]),
        );
      const expected = await values(plain);
      assert.ok(expected.length > 0, 'the data has matches');
      assert.deepEqual(await values(indexed), expected);
    });
  }

  it('an update filtered on indexed fields changes the same documents', async () => {
    const filter = { status: 'paused', at: { $lte: at(0) } };
    const a = await indexed.updateMany(filter, { $set: { touched: true } });
    const b = await plain.updateMany(filter, { $set: { touched: true } });
    assert.equal(a.modifiedCount, b.modifiedCount);
    assert.ok(a.modifiedCount > 0, 'the data has paused documents due by now');
  });
});
