import { isDuplicateKey, type ParleyCollections } from '../db/index.ts';

const POOL = 'tasks';

/**
 * Who a new task goes to: the outcome's assignee, else the contact's owner when they are a rep,
 * else the next on-duty rep in turn, else nobody (any rep may claim it).
 */
export async function chooseAssignee(
  db: ParleyCollections,
  input: { taskId: string; given: string | undefined; contactId: string },
  now: Date,
): Promise<string | undefined> {
  if (input.given) return input.given.toLowerCase();
  const contact = await db.contacts.findOne({ _id: input.contactId });
  const owner = contact?.owner?.toLowerCase();
  if (owner && (await db.reps.countDocuments({ _id: owner }, { limit: 1 })) > 0) return owner;
  return nextOnDuty(db, input.taskId, now);
}

/**
 * Round-robin by turns: turn n goes to the (n mod count)-th on-duty rep by address. Each turn is
 * taken by inserting `tasks#<n>`, atomic on FerretDB too; a duplicate means another worker took
 * that turn, so try the next.
 */
async function nextOnDuty(db: ParleyCollections, taskId: string, now: Date): Promise<string | undefined> {
  const reps = await db.reps.find({ onDuty: true }).sort({ _id: 1 }).toArray();
  if (reps.length === 0) return undefined;
  const [last] = await db.roundRobin.find({ pool: POOL }).sort({ turn: -1 }).limit(1).toArray();
  let turn = (last?.turn ?? 0) + 1;
  for (let attempt = 0; attempt < 20; attempt++, turn++) {
    const rep = reps[(turn - 1) % reps.length];
    if (!rep) return undefined;
    try {
      await db.roundRobin.insertOne({ _id: `${POOL}#${turn}`, pool: POOL, turn, taskId, rep: rep._id, at: now });
      return rep._id;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  // Twenty turns lost to other workers in a row: leave it unassigned rather than spin.
  return undefined;
}
