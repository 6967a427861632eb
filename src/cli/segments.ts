import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { contactStore, segmentChangeStore } from '../db/index.ts';
import { ErrorCodes, ParleyError } from '../errors.ts';
import {
  describeRule,
  explainContact,
  formatExplanation,
  loadSegments,
  readMemberships,
  refreshAllSegments,
  type Segment,
} from '../segments/index.ts';
import { describeLintFindings, formatProblem, loadSequences, withoutLintErrors } from '../sequences/index.ts';
import { withDatabase } from './database.ts';

/** The segment files, with their problems on stderr (a broken file is left out, as in the worker). */
async function segmentsFromFiles(): Promise<Segment[]> {
  const { segments, problems } = await loadSegments(loadConfig(process.env).segments.dir);
  for (const p of problems) console.error(formatProblem(p));
  return [...segments.values()];
}

const day = (d: Date | undefined) => (d ? d.toISOString().replace('T', ' ').slice(0, 16) : '');

export function segmentsCommand(): Command {
  const segments = new Command('segments').description('behaviour segments (segments/*.yaml): who is in, and why');
  segments
    .command('list')
    .description('every segment with its member count')
    .action(async () => {
      const all = await segmentsFromFiles();
      await withDatabase(async (db) => {
        if (all.length === 0) console.log('No segments.');
        for (const s of all) {
          const members = [...(await readMemberships(db, { segmentId: s.id })).values()].filter((m) => m.member).length;
          console.log(`${s.id}\t${members} members\t${s.name}\t${s.file}`);
        }
      });
    });
  segments
    .command('show')
    .description('a segment: its rules, members and latest entries and exits')
    .argument('<id>')
    .option('--limit <n>', 'members and changes to list', '20')
    .action(async (id: string, options: { limit: string }) => {
      const segment = (await segmentsFromFiles()).find((s) => s.id === id);
      if (!segment) throw new ParleyError(ErrorCodes.SEGMENT_NOT_FOUND, `No segment "${id}"; see \`parley segments list\`.`);
      const limit = Math.max(1, Number(options.limit) || 20);
      await withDatabase(async (db) => {
        console.log(`${segment.id}: ${segment.name}${segment.description ? `\n${segment.description}` : ''}\n${segment.file}\n`);
        console.log(describeRule(segment.rule).join('\n'));
        const all = [...(await readMemberships(db, { segmentId: id })).values()].filter((m) => m.member);
        const total = all.length;
        const members = all.sort((a, b) => b.since.getTime() - a.since.getTime()).slice(0, limit);
        const emails = await contactStore(db).emailsOf(members.map((m) => m.contactId));
        console.log(`\n${total} members${total > members.length ? ` (newest ${members.length})` : ''}:`);
        for (const m of members) console.log(`  ${emails.get(m.contactId) ?? m.contactId}\tsince ${day(m.since)}\t${m.reason}`);
        const changes = await segmentChangeStore(db).latest(id, limit);
        console.log('\nLatest changes:');
        for (const c of changes) console.log(`  ${day(c.at)}\t${c.change}\t${c.contactId}\t${c.reason}`);
      });
    });
  segments
    .command('explain')
    .description('why a contact is in or out of each segment, rule by rule')
    .argument('<email>')
    .action(async (email: string) => {
      const all = await segmentsFromFiles();
      await withDatabase(async (db) => {
        const verdicts = await explainContact(db, email, all, new Date());
        if (!verdicts)
          throw new ParleyError(ErrorCodes.CONTACT_NOT_FOUND, `No contact ${email}; import it with \`parley contacts import\`.`);
        for (const v of verdicts) {
          const stored = v.membership?.member
            ? `member since ${day(v.membership.since)}`
            : v.membership
              ? `left ${day(v.membership.since)}`
              : 'never a member';
          console.log(
            `${v.segment.id}: ${v.explanation.ok ? 'IN' : 'OUT'} (${stored}${v.membership?.entries ? `, entered ${v.membership.entries} time(s)` : ''})`,
          );
          console.log(formatExplanation(v.explanation, '  ').join('\n'));
        }
      });
    });
  segments
    .command('refresh')
    .description(
      "re-evaluate every contact now (the worker does this every SEGMENTS_REFRESH_MS) and enroll or stop as the sequences' audiences say",
    )
    .action(async () => {
      const all = await segmentsFromFiles();
      const { sequences } = await loadSequences(loadConfig(process.env).sequencesDir);
      // As in the worker: a sequence with lint errors enrolls nobody until it is fixed.
      const { usable, refused } = withoutLintErrors(sequences.values());
      for (const { sequence, errors } of refused)
        console.error(`Sequence "${sequence.id}" enrolls nobody: it has lint errors (parley lint):\n${describeLintFindings(errors)}`);
      await withDatabase(async (db) => {
        const report = await refreshAllSegments(db, { segments: all, sequences: usable, now: new Date() });
        console.log(
          `${report.contacts} contacts: ${report.entered} entered, ${report.exited} left; ${report.enrolled} enrolled, ${report.stopped} enrollments stopped`,
        );
      });
    });
  return segments;
}
