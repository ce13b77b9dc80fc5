import { createEngine, type Engine, type EngineOptions } from "@docket/engine";
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
  return [
    `run row: ${JSON.stringify(row)}`,
    `parts: ${JSON.stringify(parts)}`,
    `last events (newest first): ${JSON.stringify(events)}`,
  ].join("\n");
}

/** The whole text of a file a run wrote (`engine.runs.readFile` streams it). */
export async function readRunFile(engine: Engine, runId: string, name: string): Promise<string> {
  let text = "";
  for await (const chunk of engine.runs.readFile(runId, name)) text += chunk;
  return text;
}
