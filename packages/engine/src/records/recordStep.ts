import { randomUUID } from "node:crypto";
import {
  type AnyRecordProcessor,
  NonRetriableError,
  type ProcessSummary,
  processorOf,
} from "@docket/sdk";
import type { Kysely } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database, TargetKind } from "../database/schema.ts";
import type { RegisteredJob } from "../registry/jobRegistry.ts";
import { csvLine } from "./csv.ts";
import type { ChunkSpec } from "./processChunk.ts";
import { processPartToEnd } from "./processPart.ts";
import { ProgressReporter } from "./progressReporter.ts";
import { claimPart, endPart, ensureParts, summarizeParts } from "./recordParts.ts";

/**
 * A part of a multi-part record step failed. Retrying the step at once cannot
 * help (the part stays failed), but retrying the run can: it resumes the failed
 * part after its cursor. Its own name keeps the run retriable, unlike a
 * `NonRetriableError` a job throws.
 */
export class PartFailedError extends NonRetriableError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PartFailedError";
  }
}

/** The run a `processRecords` step belongs to. */
export interface RecordStepRun {
  readonly id: string;
  readonly target: TargetKind | null;
  readonly population: number | null;
  readonly restoresRunId: string | null;
  readonly params: unknown;
}

export interface RecordStepInput {
  readonly db: Kysely<Database>;
  readonly boss: PgBoss;
  readonly job: RegisteredJob;
  readonly run: RecordStepRun;
  readonly invokeKey: string;
  readonly processor: AnyRecordProcessor;
  readonly input: unknown;
  readonly signal: AbortSignal;
}

/**
 * Executes one `processRecords` invocation. A single-part run is processed
 * right here; a multi-part run's parts are enqueued for any workers, and the
 * caller parks the run until the last part wakes it (`"await-parts"`).
 */
export async function runRecordStep(
  step: RecordStepInput,
): Promise<ProcessSummary | "await-parts"> {
  const { db, boss, job, run, invokeKey, processor } = step;
  if (run.target === null || run.population === null) {
    throw new NonRetriableError(
      `Job "${job.id}" processes ${processor.target}, but this run has no set: start it on a set of ${processor.target}.`,
    );
  }
  if (run.restoresRunId === null && run.target !== processor.target) {
    throw new NonRetriableError(
      `Job "${job.id}" processes ${processor.target}, but this run's set holds ${run.target}.`,
    );
  }
  const parallelism = Math.max(1, job.definition.parallelism ?? 1);
  const parts = await ensureParts(db, boss, {
    runId: run.id,
    invokeKey,
    parallelism,
    src: actorNameOf(job, processor),
    input: step.input,
    outputHeader: processor.output
      ? { file: processor.output.file, line: csvLine(processor.output.columns) }
      : null,
  });
  const spec = (range: { first_member: string; last_member: string }): ChunkSpec =>
    chunkSpecOf(step, range);

  if (parallelism === 1) {
    const progress = new ProgressReporter(db, run.id);
    for (const part of parts.filter((p) => p.status !== "done")) {
      const lease = randomUUID();
      const claimed = await claimPart(db, {
        runId: run.id,
        invokeKey,
        part: part.part,
        queueJobId: null,
        lease,
      });
      if (!claimed) continue;
      const ref = { runId: run.id, invokeKey, part: part.part, lease };
      const end = await processPartToEnd(
        db,
        ref,
        spec(claimed),
        claimed.cursor,
        step.signal,
        progress,
      );
      if (end === "lease-lost") throw new Error("Another worker took this run over");
      if (end === "done") await endPart(db, boss, ref, null);
    }
    return summarizeParts(db, run.id, invokeKey);
  }

  const current = await db
    .selectFrom("run_parts")
    .select(["part", "status", "error"])
    .where("run_id", "=", run.id)
    .where("invoke_key", "=", invokeKey)
    .execute();
  const failed = current.find((part) => part.status === "failed");
  if (failed)
    throw new PartFailedError(
      `Part ${failed.part + 1} of ${current.length} failed: ${failed.error}`,
    );
  if (current.some((part) => part.status !== "done")) return "await-parts";
  return summarizeParts(db, run.id, invokeKey);
}

/** What a chunk of this step needs: the processor and, for restore runs, what to put back. */
export function chunkSpecOf(
  step: Pick<RecordStepInput, "processor" | "input" | "run">,
  range: { readonly first_member: string; readonly last_member: string },
): ChunkSpec {
  const restore = step.run.restoresRunId
    ? {
        fromRunId: step.run.restoresRunId,
        overwriteLaterChanges: Boolean(
          (step.run.params as { overwriteLaterChanges?: boolean }).overwriteLaterChanges,
        ),
      }
    : undefined;
  return {
    // A restore puts back records of whatever kind the restored run changed.
    target: restore && step.run.target ? step.run.target : step.processor.target,
    processor: step.processor,
    input: step.input,
    chunkSize: step.processor.chunkSize ?? 1000,
    firstMember: range.first_member,
    lastMember: range.last_member,
    ...(restore ? { restore } : {}),
  };
}

/** The name under which the job's machine registered this processor, for part workers to find it. */
export function actorNameOf(job: RegisteredJob, processor: AnyRecordProcessor): string {
  const actors = (job.definition.machine.implementations as { actors: Record<string, unknown> })
    .actors;
  const entry = Object.entries(actors).find(([, logic]) => processorOf(logic) === processor);
  if (!entry) {
    throw new NonRetriableError(
      `Job "${job.id}" invokes a processRecords actor that is not registered in setup({ actors }); register it by name.`,
    );
  }
  return entry[0];
}

export function processorByName(job: RegisteredJob, src: string): AnyRecordProcessor | undefined {
  const actors = (job.definition.machine.implementations as { actors: Record<string, unknown> })
    .actors;
  return processorOf(actors[src]);
}
