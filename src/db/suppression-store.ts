import type { Collection, Filter } from 'mongodb';
import { insertOnce } from './database.ts';
import type { Suppression, SuppressionAuditDoc, SuppressionEntryDoc } from './documents.ts';

/** The most entries one page reads: every page is one bounded query. */
export const MAX_SUPPRESSION_PAGE = 200;

export interface SuppressionPageQuery {
  /** Only suppressions for this reason. */
  reason?: Suppression['reason'] | undefined;
  /** Lifted entries too (default: only those in force). */
  includeLifted?: boolean | undefined;
  /** Entries older than this cursor (the `next` of the page before). */
  before?: string | undefined;
  /** At most MAX_SUPPRESSION_PAGE. */
  limit: number;
}

export interface SuppressionPage {
  entries: SuppressionEntryDoc[];
  /** The cursor of the next (older) page; undefined on the last one. */
  next: string | undefined;
}

/**
 * The suppression register and its audit trail. Every write is an insert with a key derived from
 * the suppression itself, or an update by `_id` that writes the same values on a redo: no write
 * depends on an update filter for exactly-once (not atomic on FerretDB v1, STACK-NOTES).
 */
export interface SuppressionStore {
  /** Newest first, in `_id` ranges of at most MAX_SUPPRESSION_PAGE. */
  page(query: SuppressionPageQuery): Promise<SuppressionPage>;
  markLifted(entryId: string, lifted: NonNullable<SuppressionEntryDoc['lifted']>): Promise<void>;
  /** Inserts the audit entry; 'duplicate' when this lift was recorded already (by anyone). */
  insertAudit(entry: SuppressionAuditDoc): Promise<'inserted' | 'duplicate'>;
  audit(id: string): Promise<SuppressionAuditDoc | null>;
  /** The newest audit entries, newest first (a small collection: one entry per lift). */
  recentAudit(limit: number): Promise<SuppressionAuditDoc[]>;
  /** The newest audit entry of a contact. */
  latestAuditOf(contactId: string): Promise<SuppressionAuditDoc | null>;
}

export function suppressionStore(collections: {
  suppressions: Collection<SuppressionEntryDoc>;
  suppressionAudit: Collection<SuppressionAuditDoc>;
}): SuppressionStore {
  const { suppressions, suppressionAudit } = collections;
  return {
    async page(query) {
      const limit = Math.max(1, Math.min(query.limit, MAX_SUPPRESSION_PAGE));
      const filter: Filter<SuppressionEntryDoc> = {};
      if (query.before !== undefined) filter._id = { $lt: query.before };
      if (query.reason !== undefined) filter.reason = query.reason;
      if (!query.includeLifted) filter.lifted = { $exists: false };
      // One more than the page: whether an older page exists, without a count.
      const found = await suppressions
        .find(filter)
        .sort({ _id: -1 })
        .limit(limit + 1)
        .toArray();
      const entries = found.slice(0, limit);
      return { entries, next: found.length > limit ? entries.at(-1)?._id : undefined };
    },
    async markLifted(entryId, lifted) {
      await suppressions.updateOne({ _id: entryId }, { $set: { lifted } });
    },
    insertAudit: (entry) => insertOnce(suppressionAudit, entry),
    audit: (id) => suppressionAudit.findOne({ _id: id }),
    recentAudit: (limit) =>
      suppressionAudit
        .find({})
        .sort({ at: -1, _id: 1 })
        .limit(Math.max(1, Math.min(limit, MAX_SUPPRESSION_PAGE)))
        .toArray(),
    latestAuditOf: (contactId) => suppressionAudit.find({ contactId }).sort({ at: -1 }).limit(1).next(),
  };
}

/** Lists a suppression in the register (idempotent: a redo finds it there). */
export async function recordSuppression(
  collections: { suppressions: Collection<SuppressionEntryDoc> },
  entry: SuppressionEntryDoc,
): Promise<void> {
  await insertOnce(collections.suppressions, entry);
}
