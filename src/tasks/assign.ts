import { contactStore, repStore, roundRobinSlots, type ContactDoc, type ParleyCollections, type RepDoc } from '../db/index.ts';

const POOL = 'tasks';

/**
 * Who a new task goes to: the outcome's assignee, else the contact's owner when they are a rep,
 * when on duty, else the next on-duty rep in turn, else nobody (any rep may claim it).
 */
export async function chooseAssignee(
  db: ParleyCollections,
  input: { taskId: string; given: string | undefined; contactId: string; contact?: Pick<ContactDoc, 'owner'> | null | undefined },
  now: Date,
): Promise<string | undefined> {
  if (input.given) return input.given.toLowerCase();
  const contact = input.contact !== undefined ? input.contact : await contactStore(db).get(input.contactId);
  const owner = contact?.owner?.toLowerCase();
  // An owner off duty gets no new work: the task goes round-robin instead.
  if (owner && (await repStore(db).get(owner))?.onDuty) return owner;
  return nextOnDuty(db, input.taskId, now);
}

/**
 * Round-robin by turns: turn n goes to the (n mod count)-th on-duty rep by address. Each turn is
 * taken by inserting `tasks#<n>`, atomic on FerretDB too; a duplicate means another worker took
 * that turn, so try the next.
 */
async function nextOnDuty(db: ParleyCollections, taskId: string, now: Date): Promise<string | undefined> {
  const reps = await repStore(db).onDuty();
  if (reps.length === 0) return undefined;
  const result = await roundRobinSlots(db).takeNext(POOL, {
    make: ({ _id, n }) => ({ _id, pool: POOL, turn: n, taskId, rep: repOfTurn(reps, n), at: now }),
    // Twenty turns lost to other workers in a row: leave it unassigned rather than spin.
    tries: 20,
  });
  return 'taken' in result ? result.taken.rep : undefined;
}

/** Turn n (from 1) goes to the (n mod count)-th rep; `reps` is not empty. */
function repOfTurn(reps: readonly Pick<RepDoc, '_id'>[], turn: number): string {
  const rep = reps[(turn - 1) % reps.length];
  if (!rep) throw new Error('bug: a round-robin turn with no rep on duty');
  return rep._id;
}
