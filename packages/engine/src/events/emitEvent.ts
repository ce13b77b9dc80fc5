import { DocketError, type FieldIssue, InvalidParamsError, messageOf } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database } from "../database/schema.ts";
import { defaultInstitutionCode } from "../institutions/institution.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { startRun } from "../runs/startRun.ts";
import { workflowJobId } from "../workflows/workflow.ts";

export interface EmitEventInput {
  /** e.g. `catalog.records-imported`. */
  readonly name: string;
  /** Becomes the params of each subscribed job's run. */
  readonly data: unknown;
  readonly emittedBy: string;
  /**
   * The institution it belongs to; default the default institution (the API
   * always says whose). It starts only that institution's runs: job triggers
   * start runs in it, and only its workflows start or wake.
   */
  readonly institution?: string | undefined;
}

/** What {@link listEvents} returns. */
export interface ListEventsInput {
  /** Only events of this name. */
  readonly name?: string | undefined;
  /** Default 50, at most 500. */
  readonly limit?: number | undefined;
  /** Only this institution's events. Default every institution's (engine internals, the network role). */
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
  /** The institution it was emitted in. */
  readonly institution: string;
}

const eventNamePattern = /^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$/;

/**
 * Starts a run of every job declaring `on: [name]`, with the event's data as
 * its params, in the event's institution. Invalid data is not lost: the event
 * is stored with each failed trigger and its reasons, visible in the event list.
 */
export async function emitEvent(
  db: Kysely<Database>,
  boss: PgBoss,
  registry: JobRegistry,
  input: EmitEventInput,
  /** Wakes the institution's workflow runs waiting for the event and starts its workflows it triggers. */
  emitted?: (event: {
    name: string;
    emittedBy: string;
    institution: string;
  }) => Promise<{ workflowId: string; runId?: string; error?: string }[]>,
): Promise<EmittedEvent> {
  if (!eventNamePattern.test(input.name)) {
    throw new InvalidParamsError(
      `Invalid event name "${input.name}": use lower-case words separated by "." or "-".`,
      [{ path: "name", message: "Lower-case words separated by . or -" }],
    );
  }
  const institution = input.institution ?? defaultInstitutionCode;
  const triggered: EventTrigger[] = [];
  for (const job of registry.list().filter((j) => j.definition.on?.includes(input.name))) {
    try {
      const run = await startRun(db, boss, registry, {
        jobId: job.id,
        params: input.data,
        createdBy: input.emittedBy,
        trigger: { kind: "event", event: input.name },
        institution,
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
      institution,
      data: JSON.stringify(input.data ?? null),
      triggered: JSON.stringify(triggered),
    })
    .returning(["id", "name", "received_at"])
    .executeTakeFirstOrThrow();
  // After the event is stored: a workflow run that looks for it either finds it or is woken.
  const workflows =
    (await emitted?.({ name: input.name, emittedBy: input.emittedBy, institution })) ?? [];
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
  return {
    id: String(row.id),
    name: row.name,
    receivedAt: row.received_at,
    triggered,
    institution,
  };
}

/** Recent events, newest first, with what they triggered (of one institution, when given). */
export async function listEvents(
  db: Kysely<Database>,
  input: ListEventsInput = {},
): Promise<EmittedEvent[]> {
  let query = db
    .selectFrom("events")
    .select(["id", "name", "received_at", "triggered", "institution"]);
  if (input.name) query = query.where("name", "=", input.name);
  if (input.institution !== undefined) query = query.where("institution", "=", input.institution);
  const rows = await query
    .orderBy("id", "desc")
    .limit(Math.min(Math.max(input.limit ?? 50, 1), 500))
    .execute();
  return rows.map((row) => ({
    id: String(row.id),
    name: row.name,
    receivedAt: row.received_at,
    triggered: row.triggered as EventTrigger[],
    institution: row.institution,
  }));
}
