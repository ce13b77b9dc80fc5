import { DocketError, type FieldIssue, InvalidParamsError, messageOf } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { startRun } from "../runs/startRun.ts";
import { workflowJobId } from "../workflows/workflow.ts";
import { defaultInstitutionCode } from "../institutions/institution.ts";

export interface EmitEventInput {
  /** e.g. `catalog.records-imported`. */
  readonly name: string;
  /** Becomes the params of each subscribed job's run. */
  readonly data: unknown;
  readonly emittedBy: string;
  /** The institution it belongs to; default the default institution (the API always says whose). */
  readonly institution?: string | undefined;
}

/** What one subscribed job made of an event: a run, or the reason it could not start one. */
export type EventTrigger =
  | { readonly jobId: string; readonly runId: string }
  | { readonly jobId: string; readonly error: string; readonly issues: readonly FieldIssue[] };

export interface EmittedEvent {
  readonly id: string;
  readonly name: string;
  readonly receivedAt: Date;
  readonly triggered: readonly EventTrigger[];
}

const eventNamePattern = /^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$/;

/**
 * Starts a run of every job declaring `on: [name]`, with the event's data as
 * its params. Invalid data is not lost: the event is stored with each failed
 * trigger and its reasons, visible in the event list.
 */
export async function emitEvent(
  db: Kysely<Database>,
  boss: PgBoss,
  registry: JobRegistry,
  input: EmitEventInput,
  /** Wakes workflow runs waiting for the event and starts workflows it triggers. */
  emitted?: (event: {
    name: string;
    emittedBy: string;
  }) => Promise<{ workflowId: string; runId?: string; error?: string }[]>,
): Promise<EmittedEvent> {
  if (!eventNamePattern.test(input.name)) {
    throw new InvalidParamsError(
      `Invalid event name "${input.name}": use lower-case words separated by "." or "-".`,
      [{ path: "name", message: "Lower-case words separated by . or -" }],
    );
  }
  const triggered: EventTrigger[] = [];
  for (const job of registry.list().filter((j) => j.definition.on?.includes(input.name))) {
    try {
      const run = await startRun(db, boss, registry, {
        jobId: job.id,
        params: input.data,
        createdBy: input.emittedBy,
        trigger: { kind: "event", event: input.name },
      });
      triggered.push({ jobId: job.id, runId: run.id });
    } catch (error) {
      const issues = error instanceof InvalidParamsError ? error.issues : [];
      if (!(error instanceof DocketError)) throw error;
      triggered.push({ jobId: job.id, error: messageOf(error), issues });
    }
  }
  const row = await db
    .insertInto("events")
    .values({
      name: input.name,
      institution: input.institution ?? defaultInstitutionCode,
      data: JSON.stringify(input.data ?? null),
      triggered: JSON.stringify(triggered),
    })
    .returning(["id", "name", "received_at"])
    .executeTakeFirstOrThrow();
  // After the event is stored: a workflow run that looks for it either finds it or is woken.
  const workflows = (await emitted?.({ name: input.name, emittedBy: input.emittedBy })) ?? [];
  for (const started of workflows) {
    const jobId = workflowJobId(started.workflowId);
    triggered.push(
      started.runId
        ? { jobId, runId: started.runId }
        : { jobId, error: started.error ?? "Not started", issues: [] },
    );
  }
  if (workflows.length > 0) {
    await db
      .updateTable("events")
      .set({ triggered: JSON.stringify(triggered) })
      .where("id", "=", row.id)
      .execute();
  }
  return { id: String(row.id), name: row.name, receivedAt: row.received_at, triggered };
}

/** Recent events, newest first, with what they triggered. */
export async function listEvents(
  db: Kysely<Database>,
  input: { name?: string; limit?: number } = {},
): Promise<EmittedEvent[]> {
  let query = db.selectFrom("events").select(["id", "name", "received_at", "triggered"]);
  if (input.name) query = query.where("name", "=", input.name);
  const rows = await query
    .orderBy("id", "desc")
    .limit(Math.min(Math.max(input.limit ?? 50, 1), 500))
    .execute();
  return rows.map((row) => ({
    id: String(row.id),
    name: row.name,
    receivedAt: row.received_at,
    triggered: row.triggered as EventTrigger[],
  }));
}
