import type { Run } from "@docket/engine";
import { insertCatalog, insertSet } from "./catalogFixture.ts";
import { repoJobsDir } from "./fixtureJobsDir.ts";
import { createTestEngine, type TestEngine } from "./testEngine.ts";

export interface SetEngineOptions {
  /** The set's name. Default "Items" or "Records". */
  readonly name?: string;
  /** Items in the catalog (on half as many records). Default: just enough for the set. */
  readonly catalogItems?: number;
  /** Every n-th item is withdrawn (see insertCatalog). Default: none. */
  readonly withdrawnEvery?: number;
  /** Job types to load. Default: the repository's `jobs/`. */
  readonly jobsDir?: string;
}

export interface SetEngine extends TestEngine {
  /** The itemized set the engine was made with. */
  readonly setId: string;
  /** Starts `jobId` on the set as staff user "ana", as the run wizard would. */
  startOnSet(jobId: string, params?: Record<string, unknown>): Promise<Run>;
}

/**
 * A test engine over a catalog written with SQL (insertCatalog) holding an
 * itemized set of its first `members` items or records; disposed with
 * `await using`.
 *
 * @example
 * await using t = await engineWithSetOf(100, "records");
 * await using _worker = await t.engine.startWorker();
 * const run = await t.startOnSet("records.export-csv");
 */
export async function engineWithSetOf(
  members: number,
  target: "items" | "records",
  { name, catalogItems, withdrawnEvery = 0, jobsDir = repoJobsDir }: SetEngineOptions = {},
): Promise<SetEngine> {
  const t = await createTestEngine({ jobsDir });
  try {
    const url = t.database.url;
    const items = catalogItems ?? (target === "items" ? members : members * 2);
    await insertCatalog(url, { items, withdrawnEvery });
    const setId = await insertSet(url, {
      name: name ?? (target === "items" ? "Items" : "Records"),
      target,
      members,
    });
    const startOnSet = (jobId: string, params: Record<string, unknown> = {}) =>
      t.engine.runs.start({ jobId, params, setId, createdBy: "ana" });
    return Object.assign(t, { setId, startOnSet });
  } catch (error) {
    await t[Symbol.asyncDispose]();
    throw error;
  }
}

/**
 * A test engine on the repository's jobs (loans.anonymize runs on a set of
 * loans) over a catalog of 20 items, with a set of ten loans ("Old loans") and
 * one of ten items ("Some items"), for what saves a set's id: schedules,
 * workflows. `nightly` is a valid schedule on the loans, as the API takes it.
 */
export async function engineWithLoanAndItemSets() {
  const t = await createTestEngine({ jobsDir: repoJobsDir });
  try {
    const url = t.database.url;
    await insertCatalog(url, { items: 20 });
    const loans = await insertSet(url, { name: "Old loans", target: "loans", members: 10 });
    const items = await insertSet(url, { name: "Some items", target: "items", members: 10 });
    const nightly = {
      name: "Nightly anonymization",
      jobId: "loans.anonymize",
      params: { olderThanDays: 730 },
      setId: loans,
      timing: { kind: "daily", time: "02:30" },
      timezone: "Europe/Berlin",
    } as const;
    return Object.assign(t, { loans, items, nightly });
  } catch (error) {
    await t[Symbol.asyncDispose]();
    throw error;
  }
}
