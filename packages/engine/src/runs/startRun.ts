import { randomUUID } from "node:crypto";
import { type FieldIssue, ForbiddenError, InvalidParamsError, NotFoundError } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import type { PgBoss } from "pg-boss";
import type { z } from "zod";
import { checkCsvParams } from "../csvInput/checkCsvParams.ts";
import type { Database, RunTrigger, TargetKind } from "../database/schema.ts";
import { defaultInstitutionCode } from "../institutions/institution.ts";
import { countRunStarted } from "../metrics/processMetrics.ts";
import type { JobRegistry, RegisteredJob } from "../registry/jobRegistry.ts";
import { enqueueActivation } from "../runner/sql/enqueueActivation.ts";
import { beginRunSpan } from "../telemetry/runSpans.ts";
import { fieldSentences } from "../validation/fieldSentences.ts";
import { isUuid } from "../validation/isUuid.ts";
import { type Run, toRun } from "./run.ts";

export interface StartRunInput {
  readonly jobId: string;
  /** Validated against the job's `params` schema; defaults are applied. */
  readonly params: unknown;
  /** Who started it: a user name, or e.g. `schedule:<id>`. */
  readonly createdBy: string;
  /** Default `{ kind: "manual" }`. */
  readonly trigger?: RunTrigger | undefined;
  /** Shown in the monitor; default the job's title. */
  readonly description?: string | undefined;
  /** Higher starts first among ready runs. Default 0. */
  readonly priority?: number | undefined;
  /** The set to run on; required for jobs with a `target`, refused for the others. */
  readonly setId?: string | undefined;
  /** The institution it belongs to; default the default institution (the API always says whose). */
  readonly institution?: string | undefined;
}

/** Fields only the engine sets (restore runs, workflow runs). */
interface InternalRunFields {
  readonly restoresRunId?: string;
  readonly target?: TargetKind;
  /** A workflow run: the workflow and the version it runs. */
  readonly workflow?: { readonly id: string; readonly version: number };
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
  const target = await validateSet(
    db,
    job,
    input.setId,
    input.institution ?? defaultInstitutionCode,
  );
  // A CSV that cannot be read whole is refused now, naming its line, not found out mid-run.
  // Only an upload of the run's institution: another's is unknown.
  await checkCsvParams(
    db,
    job.definition.params,
    params,
    input.institution ?? defaultInstitutionCode,
  );
  return insertRun(db, boss, job, input, params, { ...(target ? { target } : {}) });
}

/**
 * Stores the run and enqueues its first activation in one transaction: `db`'s
 * own when it is one (the scheduler commits the run with its schedule's
 * advance), else a new one.
 */
export async function insertRun(
  db: Kysely<Database>,
  boss: PgBoss,
  job: RegisteredJob,
  input: StartRunInput,
  params: unknown,
  internal: InternalRunFields,
): Promise<Run> {
  await checkNetworkLevel(db, job, input.institution ?? defaultInstitutionCode);
  const queueJobId = randomUUID();
  const priority = input.priority ?? 0;
  // Its trace's root, under what started it (an API request, a workflow run's step).
  const span = beginRunSpan(job.id);
  const insert = async (trx: Kysely<Database>) => {
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
        institution: input.institution ?? defaultInstitutionCode,
        priority,
        queue_job_id: queueJobId,
        task_queue: job.taskQueue,
        set_id: input.setId ?? null,
        target: internal.target ?? null,
        restores_run_id: internal.restoresRunId ?? null,
        workflow_id: internal.workflow?.id ?? null,
        workflow_version: internal.workflow?.version ?? null,
        trace_parent: span.traceParent,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await enqueueActivation(trx, boss, row, queueJobId);
    // Live run lists (`runs.activity`) learn of the new run when it commits.
    await sql`select pg_notify('docket_run_events', ${row.id})`.execute(trx);
    return toRun(row);
  };
  let runId: string | null = null;
  try {
    const run = await (db.isTransaction ? insert(db) : db.transaction().execute(insert));
    runId = run.id;
    countRunStarted(job.id, input.trigger?.kind ?? "manual");
    return run;
  } finally {
    span.end(runId);
  }
}

/**
 * A network-level job (`network: true`) runs in the Network Zone only: every
 * way of starting one in a member institution (API, CLI, schedules, events,
 * workflows) is refused with the same sentence. Other jobs cost no query.
 */
export async function checkNetworkLevel(
  db: Kysely<Database>,
  job: RegisteredJob,
  institution: string,
): Promise<void> {
  if (job.definition.network !== true) return;
  const row = await db
    .selectFrom("institutions")
    .select(["name", "kind"])
    .where("code", "=", institution)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`Unknown institution "${institution}".`);
  if (row.kind === "network") return;
  throw new ForbiddenError(
    `"${job.definition.title}" is a network-level job: it runs in the Network Zone, not in ${row.name}.`,
    "runs.start-network-level",
  );
}

/**
 * A job with a target needs a set of that kind; a job without one takes none.
 * Given `institution`, the set must be that institution's: another's answers
 * as an unknown set, so its id reveals nothing.
 */
export async function validateSet(
  db: Kysely<Database>,
  job: RegisteredJob,
  setId: string | undefined,
  institution?: string,
): Promise<TargetKind | null> {
  const target = job.definition.target;
  if (!target) {
    if (setId === undefined) return null;
    throw new InvalidParamsError(`Job "${job.id}" does not run on a set; start it without one.`, [
      { path: "setId", message: "This job takes no set" },
    ]);
  }
  if (setId === undefined) {
    throw new InvalidParamsError(`Job "${job.id}" runs on a set of ${target}: choose one.`, [
      { path: "setId", message: `Choose a set of ${target}` },
    ]);
  }
  const set = isUuid(setId)
    ? await db
        .selectFrom("sets")
        .select(["name", "target", "institution"])
        .where("id", "=", setId)
        .executeTakeFirst()
    : undefined;
  if (!set || (institution !== undefined && set.institution !== institution))
    throw new NotFoundError(`Unknown set "${setId}".`);
  if (set.target !== target) {
    throw new InvalidParamsError(
      `Set "${set.name}" holds ${set.target}; job "${job.id}" runs on ${target}.`,
      [{ path: "setId", message: `Choose a set of ${target}` }],
    );
  }
  return target;
}

/** Parses `params` with the job's schema; an {@link InvalidParamsError} names every bad or unknown field. */
export function validateParams(jobId: string, schema: z.ZodObject, params: unknown): unknown {
  const size = Buffer.byteLength(JSON.stringify(params ?? {}) ?? "");
  if (size > maxParamsBytes) {
    throw new InvalidParamsError(
      `Parameters for job "${jobId}" are ${size} bytes; the limit is ${maxParamsBytes} bytes.`,
      [{ path: "params", message: `Too large (${size} bytes, limit ${maxParamsBytes})` }],
    );
  }
  const checked = checkParams(jobId, schema, params ?? {});
  if (checked.issues.length === 0) return checked.data;
  throw new InvalidParamsError(checked.message, checked.issues);
}

/** What {@link checkParams} made of a job's params. */
export interface ParamsCheck {
  /** The parsed params, defaults applied; meaningful only without issues. */
  readonly data: unknown;
  /** Each unknown key, then each invalid field, with paths under the given prefix. */
  readonly issues: readonly FieldIssue[];
  /** One sentence naming the unknown keys (and what the job takes), then the invalid fields. */
  readonly message: string;
}

/**
 * Checks params against a job's schema, the one check of every way to start
 * a run (API, CLI, dry run, schedules, workflow nodes, events). A top-level
 * key the job does not declare is refused, naming the parameters it takes —
 * `z.object` would strip it silently. A schema that admits more keys
 * (`z.looseObject`, `.catchall()`) keeps them, and nested objects are as
 * their own schemas say.
 */
export function checkParams(
  jobId: string,
  schema: z.ZodObject,
  params: unknown,
  at = "params",
): ParamsCheck {
  const unknown = undeclaredKeys(schema, params);
  const issues: FieldIssue[] = unknown.map((key) => ({
    path: `${at}.${key}`,
    message: unknownParameters(jobId, schema, [key]),
  }));
  // Each field's problem in one sentence from its own description and limits, as staff read it.
  const result = schema.safeParse(params, { error: fieldSentences(schema) });
  const invalid = (result.error?.issues ?? [])
    // A strict schema's own complaint about extra keys: named above already.
    .filter((issue) => !(issue.code === "unrecognized_keys" && issue.path.length === 0))
    .map((issue) => ({ path: [at, ...issue.path.map(String)].join("."), message: issue.message }));
  const sentences = [
    ...(unknown.length > 0 ? [unknownParameters(jobId, schema, unknown)] : []),
    ...(invalid.length > 0
      ? [
          `Invalid parameters for job "${jobId}": ${invalid.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
        ]
      : []),
  ];
  return { data: result.data, issues: [...issues, ...invalid], message: sentences.join(". ") };
}

/** Top-level keys of `params` its schema does not declare, unless the schema admits extra keys. */
function undeclaredKeys(schema: z.ZodObject, params: unknown): string[] {
  if (typeof params !== "object" || params === null || Array.isArray(params)) return [];
  const { catchall } = schema._zod.def;
  if (catchall && catchall._zod.def.type !== "never") return [];
  return Object.keys(params).filter((key) => !Object.hasOwn(schema.shape, key));
}

/** "Unknown parameter onlyWithAuthor; catalog.mark-rare takes beforeYear". */
function unknownParameters(jobId: string, schema: z.ZodObject, keys: readonly string[]): string {
  const declared = Object.keys(schema.shape);
  const takes = declared.length === 0 ? "no parameters" : declared.join(", ");
  return `Unknown parameter${keys.length === 1 ? "" : "s"} ${keys.join(", ")}; ${jobId} takes ${takes}`;
}
