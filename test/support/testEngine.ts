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
        `Run ${runId} is ${run.status} after ${timeoutMs} ms; expected ${statuses.join(" or ")}`,
      );
    }
    await engine.runs.waitForActivity(runId, 250);
  }
}

/** The whole text of a file a run wrote (`engine.runs.readFile` streams it). */
export async function readRunFile(engine: Engine, runId: string, name: string): Promise<string> {
  let text = "";
  for await (const chunk of engine.runs.readFile(runId, name)) text += chunk;
  return text;
}
