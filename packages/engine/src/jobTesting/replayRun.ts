import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { checkUpgrade } from "../runner/versionUpgrade.ts";

/** Whether a run's history still fits its job's current machine. */
export type ReplayReport =
  | { readonly resumes: true; readonly statesChecked: number }
  | { readonly resumes: false; readonly problems: readonly string[] };

/**
 * Replays a run's journal against the job's current machine: every state the
 * run checkpointed in (its `transition` history) and its last checkpoint must
 * restore into the machine, through the check a worker makes before resuming a
 * run on an edited job file (versionUpgrade.ts, with the job's `upgrades`). A
 * run that passes would resume from any of its checkpoints.
 */
export async function replayRun(
  db: Kysely<Database>,
  registry: JobRegistry,
  runId: string,
): Promise<ReplayReport> {
  const run = await db
    .selectFrom("runs")
    .select(["job_id", "machine_version", "snapshot"])
    .where("id", "=", runId)
    .executeTakeFirst();
  if (!run) throw new Error(`No run ${runId}`);
  const job = registry.get(run.job_id);
  const transitions = await db
    .selectFrom("run_events")
    .select("data")
    .where("run_id", "=", runId)
    .where("type", "=", "transition")
    .orderBy("id")
    .execute();
  const last = (run.snapshot ?? {}) as Record<string, unknown>;
  const values = new Map<string, unknown>();
  for (const { data } of transitions) {
    const { value, actor } = data as { value: unknown; actor?: string };
    if (actor === undefined) values.set(JSON.stringify(value), value); // the run's own states, not a step's
  }
  const problems: string[] = [];
  for (const [key, value] of values) {
    // The state as a checkpoint taken there: its steps re-invoked on restore, so none in flight.
    const checkpoint = { ...last, status: "active", value, children: {}, output: undefined };
    const check = checkUpgrade(job, run.machine_version, checkpoint);
    if (!check.fits) problems.push(`At state ${key}: ${check.reason}`);
  }
  if (run.snapshot !== null) {
    const check = checkUpgrade(job, run.machine_version, run.snapshot);
    if (!check.fits) problems.push(`At its last checkpoint: ${check.reason}`);
  }
  return problems.length === 0
    ? { resumes: true, statesChecked: values.size }
    : { resumes: false, problems };
}
