import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { type ChunkOutcome, type ChunkSpec, type PartRef, processChunk } from "./processChunk.ts";
import type { ProgressReporter } from "./progressReporter.ts";

export type PartEnd = "done" | "lease-lost" | "run-ended";

interface ChunkInFlight {
  /** This chunk's last member id once read; null when it read nothing or failed. */
  readonly read: Promise<string | null>;
  readonly outcome: Promise<ChunkOutcome>;
}

function startChunk(
  db: Kysely<Database>,
  ref: PartRef,
  spec: ChunkSpec,
  cursor: string | null,
  predecessor: ChunkInFlight | null,
): ChunkInFlight {
  let announce: (last: string | null) => void = () => {};
  const read = new Promise<string | null>((resolve) => {
    announce = resolve;
  });
  const outcome = processChunk(db, ref, spec, cursor, announce, predecessor?.outcome ?? null);
  outcome.catch(() => announce(null));
  return { read, outcome };
}

/**
 * Processes a claimed part chunk by chunk from its cursor to its end, two
 * chunks in flight: while one writes and commits, the next (its records are
 * disjoint) is already read, locked and decided on another connection; it
 * writes only once its predecessor committed, and its cursor update requires
 * the predecessor's cursor, so if a chunk rolls back, the one after it rolls
 * back too and nothing is skipped. Stops
 * between chunks when `signal` aborts, or when the run is no longer running.
 */
export async function processPartToEnd(
  db: Kysely<Database>,
  ref: PartRef,
  spec: ChunkSpec,
  cursor: string | null,
  signal: AbortSignal,
  progress: ProgressReporter,
): Promise<PartEnd> {
  signal.throwIfAborted();
  let current = startChunk(db, ref, spec, cursor, null);
  for (;;) {
    const last = await current.read;
    const following =
      last !== null && !signal.aborted ? startChunk(db, ref, spec, last, current) : null;
    let outcome: ChunkOutcome;
    try {
      outcome = await current.outcome;
    } catch (error) {
      await following?.outcome.catch(() => {});
      throw error;
    }
    if (outcome.kind !== "chunk") {
      await following?.outcome.catch(() => {});
      if (outcome.kind !== "end") return outcome.kind;
      await progress.flush();
      return "done";
    }
    if (!following) throw signal.reason; // a chunk was read but no follower started: aborted
    await progress.maybeReport();
    current = following;
  }
}
