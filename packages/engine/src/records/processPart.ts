import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { type ChunkSpec, type PartRef, processChunk } from "./processChunk.ts";
import type { ProgressReporter } from "./progressReporter.ts";

export type PartEnd = "done" | "lease-lost" | "run-ended";

/**
 * Processes a claimed part chunk by chunk from its cursor to its end. Stops
 * between chunks when `signal` aborts (the chunk in flight commits or rolls
 * back as a whole) or when the run is no longer running (the chunk that finds
 * out rolls back).
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
    const outcome = await processChunk(db, ref, spec, position);
    if (outcome.kind === "lease-lost" || outcome.kind === "run-ended") return outcome.kind;
    if (outcome.kind === "end") {
      await progress.flush();
      return "done";
    }
    position = outcome.cursor;
    await progress.maybeReport();
  }
}
