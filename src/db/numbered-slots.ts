import type { Collection, Filter, OptionalUnlessRequiredId, Sort } from 'mongodb';
import { isDuplicateKey } from './database.ts';
import type { MailboxLeaseDoc, RoundRobinTurnDoc, SendClaimDoc, TaskClaimDoc } from './documents.ts';

/**
 * Parley's one claim primitive: "take the next numbered slot of this key, or learn who holds it".
 * A key (a task, a mailbox, a step, a round-robin pool) has slots 1, 2, 3, ... with `_id`
 * `<key>#<n>`; taking slot n is inserting it. A unique `_id` insert is atomic on MongoDB and on
 * FerretDB v1 alike, so of two writers racing for n exactly one wins and the other gets a
 * duplicate key. Update filters are never the guard: FerretDB v1's findOneAndUpdate and filtered
 * updates are not atomic (STACK-NOTES). Slots are never updated (FerretDB v1 scans the collection
 * for every update), so the newest slot is the state: a claim, a lease term, a turn.
 */
export interface NumberedSlots<T extends { _id: string }> {
  /** The newest slot of a key, whoever wrote it. */
  newest(key: string): Promise<T | undefined>;
  /** Takes slot `n` of a key: the slot when ours, undefined when another writer took `n` first. */
  take(key: string, n: number, make: SlotMaker<T>): Promise<T | undefined>;
  /**
   * Takes the slot after the newest, unless the newest is still `held`: then it says who holds
   * it. A lost race reads the newest again, up to `tries` times (then `lost`).
   */
  takeNext(key: string, options: { make: SlotMaker<T>; held?: (newest: T) => boolean; tries?: number }): Promise<TakeResult<T>>;
  /** Deletes a key's slots numbered below `n` (history nobody reads). Rare: FerretDB v1 scans the collection for it. */
  forget(key: string, below: number): Promise<void>;
}

/** Builds slot `n` of a key; `_id` is the slot's id, `<key>#<n>`. */
export type SlotMaker<T> = (slot: { _id: string; n: number }) => T;

export type TakeResult<T> =
  | { taken: T }
  /** The newest slot is still held (by anyone: compare its holder with yours). */
  | { heldBy: T }
  /** Every try lost to another writer taking the same number. */
  | { lost: true };

/** Where a collection keeps its slots' key and number. */
export interface SlotShape<T> {
  /** The slots of one key; served by an index on (key, number). */
  ofKey(key: string): Filter<T>;
  /** The field holding the number, e.g. `term`. */
  numberField: keyof T & string;
  numberOf(slot: T): number;
}

export const slotId = (key: string, n: number): string => `${key}#${n}`;
/** The key a slot id was made from (slotId's inverse, without the number). */
export const slotKeyOf = (id: string): string => id.slice(0, id.lastIndexOf('#'));

export function numberedSlots<T extends { _id: string }>(collection: Collection<T>, shape: SlotShape<T>): NumberedSlots<T> {
  const newest = async (key: string): Promise<T | undefined> => {
    const newestFirst: Sort = { [shape.numberField]: -1 };
    const [latest] = await collection.find(shape.ofKey(key)).sort(newestFirst).limit(1).toArray();
    // The driver types a found document as WithId<T>; T already has its `_id`.
    return latest as T | undefined;
  };
  const take = async (key: string, n: number, make: SlotMaker<T>): Promise<T | undefined> => {
    const slot = make({ _id: slotId(key, n), n });
    try {
      // T has a string _id of its own, which is what OptionalUnlessRequiredId<T> resolves to; TypeScript can't see that for a generic T.
      await collection.insertOne(slot as OptionalUnlessRequiredId<T>);
      return slot;
    } catch (error) {
      if (isDuplicateKey(error)) return undefined;
      throw error;
    }
  };
  return {
    newest,
    take,
    async takeNext(key, { make, held = () => false, tries = 3 }) {
      for (let i = 0; i < tries; i += 1) {
        const latest = await newest(key);
        if (latest && held(latest)) return { heldBy: latest };
        const taken = await take(key, (latest ? shape.numberOf(latest) : 0) + 1, make);
        if (taken) return { taken };
      }
      return { lost: true };
    },
    async forget(key, below) {
      await collection.deleteMany({ ...shape.ofKey(key), [shape.numberField]: { $lt: below } });
    },
  };
}

/** Collections that keep numbered slots. */
interface SlotCollections {
  mailboxLeases: Collection<MailboxLeaseDoc>;
  taskClaims: Collection<TaskClaimDoc>;
  roundRobin: Collection<RoundRobinTurnDoc>;
  sendClaims: Collection<SendClaimDoc>;
}

/** Terms of a mailbox's polling lease: key the mailbox key, n the term. */
export const mailboxLeaseSlots = (db: Pick<SlotCollections, 'mailboxLeases'>) =>
  numberedSlots(db.mailboxLeases, { ofKey: (mailbox) => ({ mailbox }), numberField: 'term', numberOf: (t) => t.term });

/** Reps' claims on a task: key the task id, n the claim number. */
export const taskClaimSlots = (db: Pick<SlotCollections, 'taskClaims'>) =>
  numberedSlots(db.taskClaims, { ofKey: (taskId) => ({ taskId }), numberField: 'claimNumber', numberOf: (c) => c.claimNumber });

/** Round-robin turns: key the pool, n the turn. */
export const roundRobinSlots = (db: Pick<SlotCollections, 'roundRobin'>) =>
  numberedSlots(db.roundRobin, { ofKey: (pool) => ({ pool }), numberField: 'turn', numberOf: (t) => t.turn });

/**
 * Attempts to send one step: key `<enrollmentId>:<stepId>`, n the attempt. The sender reads a
 * step's attempts by `_id` from 1 up (StepSender), not through `newest`, which FerretDB v1 can
 * answer only by scanning.
 */
export const sendClaimSlots = (db: Pick<SlotCollections, 'sendClaims'>) =>
  numberedSlots(db.sendClaims, {
    ofKey: (key) => {
      const at = key.lastIndexOf(':');
      return { enrollmentId: key.slice(0, at), stepId: key.slice(at + 1) };
    },
    numberField: 'attempt',
    numberOf: (c) => c.attempt,
  });
