import { terminalStatuses } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import type { Database } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";

/** One category's scheduled runs on one day (UTC), by final status. */
export interface DashboardDay {
  readonly category: string;
  /** `YYYY-MM-DD`. */
  readonly day: string;
  readonly completed: number;
  readonly completedWithErrors: number;
  readonly failed: number;
  readonly aborted: number;
  /** Ids of the failed runs the reader may open (see `failedRunsOf`), for one-click access. */
  readonly failedRunIds: readonly string[];
}

export interface DashboardSummaryInput {
  readonly days: number;
  /** Runs of this institution (its code) only; undefined: every institution's. */
  readonly institution?: string | undefined;
  /**
   * List only this user's failed runs in `failedRunIds` (staff open only their own
   * runs). The counts stay institution-wide, as in Alma's scheduled-jobs widget.
   */
  readonly failedRunsOf?: string;
}

/** The status widget: scheduled runs of the last `days` days per category and day. */
export async function dashboardSummary(
  db: Kysely<Database>,
  registry: JobRegistry,
  input: DashboardSummaryInput,
): Promise<DashboardDay[]> {
  const failedRunsOf = input.failedRunsOf ?? null;
  const institution = input.institution ?? null;
  const { rows } = await sql<{
    job_id: string;
    day: string;
    status: string;
    n: number;
    failed_ids: string[] | null;
  }>`
    select job_id, to_char(date_trunc('day', ended_at at time zone 'UTC'), 'YYYY-MM-DD') as day, status,
           count(*)::int as n,
           array_agg(id::text order by ended_at) filter (
             where status = 'failed' and (${failedRunsOf}::text is null or created_by = ${failedRunsOf})
           ) as failed_ids
    from runs
    where trigger->>'kind' = 'schedule'
      and status in (${sql.join(terminalStatuses.map((status) => sql.lit(status)))})
      and ended_at >= now() - make_interval(days => ${input.days})
      and (${institution}::text is null or institution = ${institution})
    group by job_id, day, status`.execute(db);
  const byKey = new Map<
    string,
    { category: string; day: string; counts: Record<string, number>; failed: string[] }
  >();
  for (const row of rows) {
    const category = registry.find(row.job_id)?.definition.category ?? "Other";
    const key = `${category}\u0000${row.day}`;
    const entry = byKey.get(key) ?? { category, day: row.day, counts: {}, failed: [] };
    entry.counts[row.status] = (entry.counts[row.status] ?? 0) + row.n;
    entry.failed.push(...(row.failed_ids ?? []));
    byKey.set(key, entry);
  }
  return [...byKey.values()]
    .sort((a, b) => a.category.localeCompare(b.category) || a.day.localeCompare(b.day))
    .map((entry) => ({
      category: entry.category,
      day: entry.day,
      completed: entry.counts.completed ?? 0,
      completedWithErrors: entry.counts.completed_with_errors ?? 0,
      failed: entry.counts.failed ?? 0,
      aborted: entry.counts.aborted ?? 0,
      failedRunIds: entry.failed,
    }));
}

/** Records processed in one hour of the dashboard's throughput chart. */
export interface ThroughputHour {
  /** The hour's start, ISO 8601 in UTC. */
  readonly hourStart: string;
  /** Records processed in that hour (a share of a run that spans hours: not always whole). */
  readonly processed: number;
}

export interface ThroughputInput {
  /** Hours back from now, the current hour included. */
  readonly hours: number;
  /** Runs of this institution (its code) only; undefined: every institution's. */
  readonly institution?: string | undefined;
}

/**
 * Records processed per hour over the last `hours` hours, oldest first, the
 * current hour last, every hour present. Counted in SQL over every run that
 * ended in the window (no page of runs, so a busy day is not undercounted):
 * each run's processed records are spread evenly over the time it ran; a run
 * that took no time counts in the hour it ended. Institution-wide counts, as
 * the status widget's.
 */
export async function throughputByHour(
  db: Kysely<Database>,
  input: ThroughputInput,
): Promise<ThroughputHour[]> {
  const earlierHours = Math.max(0, Math.floor(input.hours) - 1);
  const institution = input.institution ?? null;
  const { rows } = await sql<{ hour_start: Date; processed: number }>`
    with hours as (
      select generate_series(
        date_trunc('hour', now()) - make_interval(hours => ${earlierHours}),
        date_trunc('hour', now()),
        interval '1 hour'
      ) as hour_start
    ),
    ended as (
      select least(coalesce(started_at, ended_at), ended_at) as from_at,
             ended_at as to_at,
             (report->>'processed')::numeric as processed
      from runs
      where ended_at >= date_trunc('hour', now()) - make_interval(hours => ${earlierHours})
        and status in (${sql.join(terminalStatuses.map((status) => sql.lit(status)))})
        and (report->>'processed')::numeric > 0
        and (${institution}::text is null or institution = ${institution})
    )
    select h.hour_start,
           coalesce(sum(
             case when e.to_at = e.from_at then e.processed
             else e.processed
               * extract(epoch from least(e.to_at, h.hour_start + interval '1 hour')
                                   - greatest(e.from_at, h.hour_start))
               / extract(epoch from e.to_at - e.from_at)
             end
           ), 0)::float8 as processed
    from hours h
    left join ended e
      on e.from_at < h.hour_start + interval '1 hour'
     and (e.to_at > h.hour_start or (e.to_at = e.from_at and e.to_at = h.hour_start))
    group by h.hour_start
    order by h.hour_start`.execute(db);
  return rows.map((row) => ({
    hourStart: new Date(row.hour_start).toISOString(),
    processed: row.processed,
  }));
}
