import type { FastifyInstance, FastifyRequest } from 'fastify';
import { outlineOf, readStats, resolvePeriod, type SequenceOutline, type StatsPeriod } from '../../stats/index.ts';
import { csrfToken, repOf } from './auth.ts';
import type { RepAppOptions } from './index.ts';
import { statsPage, type StatsPageModel } from './stats-page.ts';

const HTML = 'text/html; charset=utf-8';
/** Longer query values are no date or sequence id. */
const MAX_PARAM = 100;

type StatsQuery = { Querystring: Record<string, unknown> };

/** A query parameter as text; empty fields of the GET form count as absent. */
const param = (query: unknown, name: string): string | undefined => {
  const value = typeof query === 'object' && query !== null ? (query as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, MAX_PARAM) : undefined;
};

const dayOf = (at: Date) => at.toISOString().slice(0, 10);
/** The form's dates: the first day, and the last day the period includes. */
const formOf = (period: StatsPeriod, sequenceId: string | undefined) => ({
  from: dayOf(period.from),
  to: dayOf(new Date(period.to.getTime() - 1)),
  sequenceId,
});

type Loaded =
  | { ok: true; model: Omit<StatsPageModel, 'viewer' | 'csrf'> }
  | { ok: false; code: 'period_invalid' | 'sequence_unknown'; message: string; model: Omit<StatsPageModel, 'viewer' | 'csrf'> };

/** GET /stats (the page) and GET /api/stats (the same report as JSON), for any logged-in rep. */
export function registerStatsRoutes(app: FastifyInstance, options: RepAppOptions): void {
  const outlines = (): SequenceOutline[] =>
    options.listSequences().map((s) => {
      const sequence = options.getSequence(s.id);
      return sequence ? outlineOf(sequence) : { id: s.id, name: s.name, stepIds: [] };
    });

  async function load(request: FastifyRequest<StatsQuery>): Promise<Loaded> {
    const now = options.now();
    const sequences = [...options.listSequences()].map((s) => ({ id: s.id, name: s.name }));
    const sequenceId = param(request.query, 'sequence');
    const resolved = resolvePeriod(
      { from: param(request.query, 'from'), to: param(request.query, 'to'), days: param(request.query, 'days') },
      now,
    );
    const fallback = resolvePeriod({}, now);
    const failed = (code: 'period_invalid' | 'sequence_unknown', message: string): Loaded => ({
      ok: false,
      code,
      message,
      model: {
        report: undefined,
        form: formOf(fallback.ok ? fallback.period : { from: now, to: now }, undefined),
        sequences,
        notice: { kind: 'error', text: message },
      },
    });
    if (!resolved.ok) return failed('period_invalid', resolved.message);
    if (sequenceId !== undefined && !sequences.some((s) => s.id === sequenceId))
      return failed('sequence_unknown', 'No such sequence; pick one from the list.');
    const report = await readStats(options.db, { period: resolved.period, sequences: outlines(), sequenceId, now: options.now });
    return { ok: true, model: { report, form: formOf(resolved.period, sequenceId), sequences } };
  }

  app.get<StatsQuery>('/stats', async (request, reply) => {
    const loaded = await load(request);
    const rep = repOf(request);
    const page = statsPage({
      ...loaded.model,
      viewer: { email: rep._id, name: rep.name, role: rep.role },
      csrf: csrfToken(request, reply),
    });
    return reply
      .code(loaded.ok ? 200 : 400)
      .type(HTML)
      .send(page);
  });

  app.get<StatsQuery>('/api/stats', async (request, reply) => {
    const loaded = await load(request);
    if (!loaded.ok) return reply.code(400).send({ error: loaded.code, message: loaded.message });
    return loaded.model.report;
  });
}
