/**
 * The run history at scale: `--history-runs` runs (default 100,000) inserted
 * with SQL, then the monitor's History tab's first page through the tRPC HTTP
 * API exactly as the designer asks for it (httpBatchLink, ended statuses,
 * newest first, limit 50), plus a text search, a staff user's own runs and a
 * deep page. Each figure is the median of several calls after warm-ups.
 *
 * Run alone with `node test/bench/history.ts [--history-runs N] [--explain]`
 * (a fresh database on DATABASE_URL's server, or an embedded one), or as phase
 * 5 of `npm run bench`.
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { AppRouter } from "@docket/api";
import { createEngine } from "@docket/engine";
import { createJobRegistry, type JobRegistry, loadJobSources } from "@docket/engine/testing";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import pg from "pg";
import { startApiServer } from "../support/apiServer.ts";
import { createBenchDatabase, percentile, round } from "./support.ts";

export const historyTargets = { firstPageMs: 1000 } as const;

const ended = ["completed", "completed_with_errors", "failed", "aborted"] as const;
const warmups = 3;
const samples = 15;

export interface HistoryResult {
  readonly runs: number;
  readonly insertSeconds: number;
  /** The History tab's first page: ended runs, newest first, 50. */
  readonly historyFirstPageMs: number;
  /** The same with a text search (job title, description, error). */
  readonly historyTextSearchMs: number;
  /** The same with a text only one run holds. */
  readonly historyRareSearchMs: number;
  /** A staff user's first page (only their own runs). */
  readonly historyStaffFirstPageMs: number;
  /** The 200th page of 50, following cursors (timed: the last page only). */
  readonly historyDeepPageMs: number;
  readonly samples: number;
}

const log = (line = "") => process.stdout.write(`${line}\n`);

/**
 * `count` runs over three weeks: 90 % ended, 20 creators, jobs from the registry,
 * failed runs with an error message, descriptions with a batch number.
 */
export async function insertHistoryRuns(
  probe: pg.Pool,
  registry: JobRegistry,
  count: number,
): Promise<number> {
  const jobIds = registry.list().map((job) => job.id);
  const started = performance.now();
  await probe.query(
    `insert into runs (job_id, machine_version, status, description, params, trigger, created_by,
                       institution, created_at, started_at, ended_at, notified_at, error, report)
     select ($2::text[])[1 + g % cardinality($2::text[])], 'bench', s.status,
            'Batch ' || g || ' of the weekly maintenance', '{}', '{"kind":"manual"}',
            'user' || (g % 20), 'main', t.at, t.at + interval '1 second', e.at, e.at,
            case when s.status = 'failed'
                 then jsonb_build_object('message', 'Item B' || g || ' is withdrawn; its policy cannot change') end,
            case when s.status like 'completed%'
                 then jsonb_build_object('total', 1000, 'changed', 990, 'failed', g % 11) end
     from generate_series(1, $1::int) g,
          lateral (select case when g % 10 = 0 then 'running'
                               else ($3::text[])[1 + g % 4] end as status) s,
          lateral (select now() - (g * interval '5 minutes') / 16 as at) t,
          lateral (select case when s.status in ('completed', 'completed_with_errors', 'failed', 'aborted')
                               then t.at + interval '2 minutes' end as at) e`,
    [count, jobIds, ended],
  );
  await probe.query("analyze runs");
  return (performance.now() - started) / 1000;
}

/** Median of `samples` timed calls after `warmups`. */
async function median(call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < warmups; i++) await call();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  return round(percentile(times, 50), 1);
}

/**
 * Inserts the runs on `url`'s (migrated) database, serves the API over HTTP
 * and times the designer's history queries through it.
 */
export async function measureHistory(
  url: string,
  registry: JobRegistry,
  options: { runs: number; explain?: boolean },
): Promise<HistoryResult> {
  log();
  log(`5. Run history: ${options.runs} runs inserted with SQL, pages through the tRPC HTTP API`);
  const probe = new pg.Pool({ connectionString: url, max: 2 });
  probe.on("error", () => {});
  const engine = await createEngine({ connectionString: url, registry });
  try {
    const insertSeconds = await insertHistoryRuns(probe, registry, options.runs);
    log(`   inserted ${options.runs} runs in ${insertSeconds.toFixed(1)} s`);
    await using admin = await startApiServer(engine);
    await using staff = await startApiServer(engine, { role: "staff" });
    const client = (server: typeof admin) =>
      createTRPCClient<AppRouter>({
        links: [httpBatchLink({ url: server.url, headers: () => server.authHeaders })],
      });
    const api = client(admin);
    const history = { status: [...ended], limit: 50 };

    const first = await api.runs.list.query(history);
    if (first.runs.length !== 50) throw new Error(`First page has ${first.runs.length} runs`);
    const historyFirstPageMs = await median(() => api.runs.list.query(history));
    log(`   History tab, first page (ended, newest first, 50): median ${historyFirstPageMs} ms`);
    const historyTextSearchMs = await median(() =>
      api.runs.list.query({ ...history, text: "withdrawn" }),
    );
    log(`   with text search "withdrawn": median ${historyTextSearchMs} ms`);
    // A word one run holds: no early stop in the newest runs; the trigram indexes find it.
    const historyRareSearchMs = await median(() =>
      api.runs.list.query({ ...history, text: "B99990 is" }),
    );
    log(`   with text search "B99990 is" (one run): median ${historyRareSearchMs} ms`);
    // A staff user of their own: a name with no runs yet, so the index must answer "none" fast too.
    const historyStaffFirstPageMs = await median(() => client(staff).runs.list.query(history));
    log(`   a staff user's first page (own runs only): median ${historyStaffFirstPageMs} ms`);
    let cursor = first.nextCursor;
    for (let page = 2; page < 200 && cursor; page++) {
      cursor = (await api.runs.list.query({ ...history, cursor })).nextCursor;
    }
    const deep = cursor;
    const historyDeepPageMs = deep
      ? await median(() => api.runs.list.query({ ...history, cursor: deep }))
      : 0;
    log(`   page 200 by cursor: median ${historyDeepPageMs} ms`);

    if (options.explain) {
      for (const [label, where] of [
        ["first page", ""],
        [
          "text search",
          `and (job_id ilike '%withdrawn%' or description ilike '%withdrawn%' or error->>'message' ilike '%withdrawn%')`,
        ],
        ["staff", `and created_by = 'user3'`],
      ] as const) {
        const { rows } = await probe.query<{ "QUERY PLAN": string }>(
          `explain (analyze, buffers) select * from runs
           where status in ('completed', 'completed_with_errors', 'failed', 'aborted') ${where}
           order by created_at desc, id desc limit 51`,
        );
        log(`   EXPLAIN ${label}:`);
        for (const row of rows) log(`     ${row["QUERY PLAN"]}`);
      }
    }
    return {
      runs: options.runs,
      insertSeconds: round(insertSeconds, 2),
      historyFirstPageMs,
      historyTextSearchMs,
      historyRareSearchMs,
      historyStaffFirstPageMs,
      historyDeepPageMs,
      samples,
    };
  } finally {
    await engine.stop();
    await probe.end();
  }
}

// Run alone: node test/bench/history.ts
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      "history-runs": { type: "string", default: "100000" },
      explain: { type: "boolean", default: false },
    },
    strict: true,
  });
  const runs = Number(values["history-runs"]);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error("--history-runs must be a positive integer");
  const database = await createBenchDatabase();
  try {
    const fixturesDir = fileURLToPath(new URL("../fixtures/jobs/", import.meta.url));
    const jobsDir = fileURLToPath(new URL("../../jobs/", import.meta.url));
    const registry = createJobRegistry([
      ...(await loadJobSources(fixturesDir)),
      ...(await loadJobSources(jobsDir)),
    ]);
    const result = await measureHistory(database.url, registry, {
      runs,
      explain: values.explain,
    });
    const pass = {
      historyFirstPage: result.historyFirstPageMs < historyTargets.firstPageMs,
      historyTextSearch: result.historyTextSearchMs < historyTargets.firstPageMs,
    };
    log();
    log(
      `Results: historyFirstPageMs ${result.historyFirstPageMs}, historyTextSearchMs ${result.historyTextSearchMs} (target < ${historyTargets.firstPageMs} ms): ${pass.historyFirstPage && pass.historyTextSearch ? "PASS" : "MISS"}`,
    );
    log(JSON.stringify({ ...result, targets: historyTargets, pass }));
  } finally {
    await database.stop();
  }
}
