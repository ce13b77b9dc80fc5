import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { type ChunkSpec, type PartRef, processChunk } from "./processChunk.ts";
import type { ProgressReporter } from "./progressReporter.ts";

export type PartEnd = "done" | "lease-lost" | "run-ended";

/**
 * Processes a claimed part chunk by chunk from its cursor to its end. Stops
 * between chunks when `signal` aborts (the chunk in flight commits or rolls
 * back as a whole) or when the run is no longer running.
 */
export async function processPartToEnd(
  db: Kysely<Database>,
  ref: PartRef,
  spec: ChunkSpec,
  cursor: string | null,
  signal: AbortSignal,
  progress: ProgressReporter,
): Promise<PartEnd> {
  let position = cursor;
  for (;;) {
    signal.throwIfAborted();
    if (!(await runIsActive(db, ref.runId))) return "run-ended";
    const outcome = await processChunk(db, ref, spec, position);
    if (outcome.kind === "lease-lost") return "lease-lost";
    if (outcome.kind === "end") {
      await progress.flush();
      return "done";
    }
    position = outcome.cursor;
    await progress.maybeReport();
  }
}

async function runIsActive(db: Kysely<Database>, runId: string): Promise<boolean> {
  const run = await db
    .selectFrom("runs")
    .select("status")
    .where("id", "=", runId)
    .executeTakeFirst();
  return run !== undefined && ["initializing", "running"].includes(run.status);
}
