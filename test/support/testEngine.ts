import { createEngine, type Engine, type EngineOptions } from "@docket/engine";
import { sql } from "kysely";
import { fixtureJobsDir } from "./fixtureJobsDir.ts";
import { createTestDatabase, type TestDatabase } from "./testDatabase.ts";

export { fixtureJobsDir };

export interface TestEngine {
  readonly engine: Engine;
  readonly database: TestDatabase;
  [Symbol.asyncDispose](): Promise<void>;
}

/** An engine on a fresh database with the fixture jobs; disposed with `await using`. */
export async function createTestEngine(options: Partial<EngineOptions> = {}): Promise<TestEngine> {
  const database = await createTestDatabase();
  process.env.DOCKET_FIXTURE_DATABASE_URL = database.url;
  const engine = await createEngine({
    connectionString: database.url,
    jobsDir: fixtureJobsDir,
    ...options,
  });
  return {
    engine,
    database,
    [Symbol.asyncDispose]: async () => {
      await engine.stop();
      await database.drop();
    },
  };
}

/** Polls the run until it reaches one of `statuses`. */
export async function waitForStatus(
  engine: Engine,
  runId: string,
  statuses: readonly string[],
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await engine.runs.get(runId);
    if (statuses.includes(run.status)) return run;
    if (Date.now() > deadline) {
      throw new Error(
        `Run ${runId} is ${run.status} after ${timeoutMs} ms; expected ${statuses.join(" or ")}\n${await stuckRunFacts(engine, runId)}`,
      );
    }
    await engine.runs.waitForActivity(runId, 250);
  }
}

/** What a run that did not end holds and waits for: its row, parts and last events, for the failure. */
async function stuckRunFacts(engine: Engine, runId: string): Promise<string> {
  const db = engine.internals.db;
  const row = await db
    .selectFrom("runs")
    .select(["lease", "queue_job_id", "wake_at", "waiting_reason", "state_value", "updated_at"])
    .where("id", "=", runId)
    .executeTakeFirst();
  const parts = await db
    .selectFrom("run_parts")
    .select(["invoke_key", "part", "status", "processed", "lease", "queue_job_id"])
    .where("run_id", "=", runId)
    .orderBy("part")
    .execute();
  const events = await db
    .selectFrom("run_events")
    .select(["id", "type", "at", "data"])
    .where("run_id", "=", runId)
    .orderBy("id", "desc")
    .limit(12)
    .execute();
  const children = await db
    .selectFrom("runs")
    .select(["id", "job_id", "status", "lease", "queue_job_id", "updated_at"])
    .where("parent_run_id", "=", runId)
    .orderBy("created_at")
    .execute();
  // A run held by a live activation that writes nothing may be waiting on the database.
  const sessions = await sql<Record<string, unknown>>`
    select pid, application_name, state, wait_event_type, wait_event,
           now() - xact_start as in_transaction_for, left(query, 160) as query
      from pg_stat_activity
     where datname = current_database() and pid <> pg_backend_pid()
       and (state <> 'idle' or wait_event_type = 'Lock')`.execute(db);
  return [
    `run row: ${JSON.stringify(row)}`,
    `parts: ${JSON.stringify(parts)}`,
    `child runs: ${JSON.stringify(children)}`,
    `busy database sessions: ${JSON.stringify(sessions.rows)}`,
    `last events (newest first): ${JSON.stringify(events)}`,
  ].join("\n");
}

/** The whole text of a file a run wrote (`engine.runs.readFile` streams it). */
export async function readRunFile(engine: Engine, runId: string, name: string): Promise<string> {
  let text = "";
  for await (const chunk of engine.runs.readFile(runId, name)) text += chunk;
  return text;
}
