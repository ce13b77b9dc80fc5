import { randomUUID } from "node:crypto";
import { type FieldIssue, InvalidParamsError } from "@docket/sdk";
import type { Kysely } from "kysely";
import { fromKysely, type PgBoss } from "pg-boss";
import type { z } from "zod";
import type { Database, RunTrigger } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { type Run, toRun } from "./run.ts";

export interface StartRunInput {
  readonly jobId: string;
  /** Validated against the job's `params` schema; defaults are applied. */
  readonly params: unknown;
  /** Who started it: a user name, or e.g. `schedule:<id>`. */
  readonly createdBy: string;
  /** Default `{ kind: "manual" }`. */
  readonly trigger?: RunTrigger;
  /** Shown in the monitor; default the job's title. */
  readonly description?: string;
  /** Higher starts first among ready runs. Default 0. */
  readonly priority?: number;
}

/** Largest accepted params payload, serialized. */
export const maxParamsBytes = 256 * 1024;

/**
 * Validates and stores a run, and enqueues its first activation in the SAME
 * transaction: a run is never queued without its row, nor stored unqueued.
 */
export async function startRun(
  db: Kysely<Database>,
  boss: PgBoss,
  registry: JobRegistry,
  input: StartRunInput,
): Promise<Run> {
  const job = registry.get(input.jobId);
  const params = validateParams(job.id, job.definition.params, input.params);
  const queueJobId = randomUUID();
  const priority = input.priority ?? 0;
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("runs")
      .values({
        job_id: job.id,
        machine_version: job.version,
        status: "pending",
        description: input.description ?? job.definition.title,
        params: JSON.stringify(params),
        trigger: JSON.stringify(input.trigger ?? { kind: "manual" }),
        created_by: input.createdBy,
        priority,
        queue_job_id: queueJobId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await boss.send(
      job.queue,
      { runId: row.id },
      { id: queueJobId, priority, db: fromKysely(trx) },
    );
    return toRun(row);
  });
}

/** Parses `params` with the job's schema; an {@link InvalidParamsError} names every bad field. */
export function validateParams(jobId: string, schema: z.ZodType, params: unknown): unknown {
  const size = Buffer.byteLength(JSON.stringify(params ?? {}) ?? "");
  if (size > maxParamsBytes) {
    throw new InvalidParamsError(
      `Parameters for job "${jobId}" are ${size} bytes; the limit is ${maxParamsBytes} bytes.`,
      [{ path: "params", message: `Too large (${size} bytes, limit ${maxParamsBytes})` }],
    );
  }
  const result = schema.safeParse(params ?? {});
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((issue) => ({
    path: ["params", ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
  throw new InvalidParamsError(
    `Invalid parameters for job "${jobId}": ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    issues,
  );
}
