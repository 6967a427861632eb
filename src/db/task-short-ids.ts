import { createHash } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from './database.ts';

/**
 * Short task ids (`t-3f9a2c`) for the command line: a task's real id holds a Message-ID (`mid:<…@…>`),
 * which needs shell quoting. `task_short_ids` maps a short id to the task, keyed by `_id`: the one
 * lookup FerretDB v1 can serve without scanning (PERF-NOTES). A prefix search over task ids would scan.
 */
export interface TaskShortIdDoc {
  /** `t-` and the first hex digits of the task id's SHA-256: 6, more when those collide. */
  _id: string;
  taskId: string;
}

const PATTERN = /^t-[0-9a-f]{6,64}$/;
/** Hex digits tried in turn; two tasks sharing 24 bits of hash take a longer short id. */
const LENGTHS = [6, 8, 10, 12, 16, 64];

export const looksLikeShortTaskId = (id: string): boolean => PATTERN.test(id);

export class TaskShortIdStore {
  readonly #ids: Collection<TaskShortIdDoc>;

  constructor(db: Db) {
    this.#ids = db.collection<TaskShortIdDoc>('task_short_ids');
  }

  /** The task's short id, recorded on first use; the same one every time after. */
  async shortIdOf(taskId: string): Promise<string> {
    const hex = createHash('sha256').update(taskId).digest('hex');
    for (const length of LENGTHS) {
      const _id = `t-${hex.slice(0, length)}`;
      // Read first: a task listed before has its record, and a read costs less than a refused insert and a read.
      const known = await this.#ids.findOne({ _id });
      if (known) {
        if (known.taskId === taskId) return _id;
        continue;
      }
      try {
        await this.#ids.insertOne({ _id, taskId });
        return _id;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      if ((await this.#ids.findOne({ _id }))?.taskId === taskId) return _id;
    }
    return taskId;
  }

  /** The task id behind a short id; undefined when it is not one we handed out. */
  async resolve(shortId: string): Promise<string | undefined> {
    if (!looksLikeShortTaskId(shortId)) return undefined;
    return (await this.#ids.findOne({ _id: shortId }))?.taskId;
  }
}
