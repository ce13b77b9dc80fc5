/**
 * Member runs of a network-level job: ONE run per member institution, each
 * belonging to its member and linked to the network run by `parent_run_id`,
 * started at most once per visit of the step (the workflow children's
 * deterministic key, see workflows/childRuns.ts).
 */
import {
  type AnyMemberRunsRequest,
  DocketError,
  type MemberInstitution,
  type MemberRun,
  type MemberRunsSummary,
  messageOf,
  NonRetriableError,
} from "@docket/sdk";
import type { Kysely } from "kysely";
import type { PgBoss } from "pg-boss";
import type { ActorSystem } from "xstate";
import { type Database, isTerminal, type RunStatus } from "../database/schema.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { suspendRun } from "../runner/runSuspension.ts";
import { readJournalEntry, writeJournalEntry } from "../runner/sql/runJournal.ts";
import { insertRun, validateParams } from "../runs/startRun.ts";

// biome-ignore lint/suspicious/noExplicitAny: any system of any machine
type AnyActorSystem = ActorSystem<any>;

/**
 * A parked network run is woken by each member run's end (its parent link);
 * this backstop wakes it anyway, in case the waker crashed in between.
 */
const backstopMs = 5 * 60_000;

export interface MemberRunsStepInput {
  readonly db: Kysely<Database>;
  readonly boss: PgBoss;
  readonly registry: JobRegistry;
  /** The network run. */
  readonly runId: string;
  /** The step's key for this visit: each member's run is keyed `<stepKey>:member:<code>`. */
  readonly stepKey: string;
  readonly request: AnyMemberRunsRequest;
  /** The invoke's input, for `request.params`. */
  readonly input: unknown;
  readonly system: AnyActorSystem;
  readonly log: (level: "info" | "error", message: string) => void;
  /** Marks the step in flight while it starts runs (not while parked). */
  readonly steps: { stepStarted(): void; stepEnded(): void };
}

/** The child key of `member`'s run started by the step visit `stepKey`. */
export function memberChildKey(stepKey: string, member: string): string {
  return `${stepKey}:member:${member}`;
}

/**
 * Starts the member runs that are not started yet, then returns their
 * summary — at once with `waitForEnd: false`, else when all have ended,
 * parking the network run until then (it is re-invoked from the start with the
 * same key when a member run's end wakes it, and finds them).
 */
export async function runMemberRunsStep(step: MemberRunsStepInput): Promise<MemberRunsSummary> {
  const { db, runId, stepKey, request } = step;
  step.steps.stepStarted();
  let summary: MemberRunsSummary;
  try {
    const parent = await networkRun(step);
    const members = await membersOf(db, runId, stepKey);
    const keys = members.map((member) => memberChildKey(stepKey, member.code));
    const started = new Map((await childRuns(db, runId, keys)).map((row) => [row.child_key, row]));
    const missing = members.filter((member) => !started.has(memberChildKey(stepKey, member.code)));
    if (missing.length > 0) {
      const job = step.registry.find(request.jobId);
      if (!job) {
        throw new NonRetriableError(
          `startMemberRuns: there is no job "${request.jobId}" to run in the member institutions.`,
        );
      }
      if (job.definition.network === true || job.definition.target !== undefined) {
        throw new NonRetriableError(
          `startMemberRuns: "${job.definition.title}" cannot run in the member institutions: ${
            job.definition.network === true
              ? "it is a network-level job itself"
              : `it runs on a set of ${job.definition.target}, and member runs take none`
          }.`,
        );
      }
      // Every member's params are checked before any run starts: none, or all.
      const prepared = missing.map((member) => {
        try {
          const raw = request.params ? request.params(step.input, member) : {};
          return { member, params: validateParams(job.id, job.definition.params, raw) };
        } catch (error) {
          throw new NonRetriableError(
            `startMemberRuns: the params for ${member.name} do not fit "${job.definition.title}": ${messageOf(error)}`,
          );
        }
      });
      for (const { member, params } of prepared) {
        const childKey = memberChildKey(stepKey, member.code);
        const child = await startChild(step, {
          job,
          params,
          member,
          childKey,
          createdBy: parent.created_by,
          priority: parent.priority,
          description: `${job.definition.title} for ${member.name}, from ${parent.zone}`,
        });
        if (child.created)
          step.log(
            "info",
            `Started run ${child.row.id} of ${job.definition.title} for ${member.name}`,
          );
        started.set(childKey, child.row);
      }
    }
    summary = summarize(members, (code) => started.get(memberChildKey(stepKey, code)));
  } finally {
    step.steps.stepEnded();
  }
  const waiting = summary.runs.filter((run) => !isTerminal(run.status));
  if (request.waitForEnd === false || waiting.length === 0) return summary;
  const keys = summary.runs.map((run) => memberChildKey(stepKey, run.institution));
  return suspendRun(step.system, {
    until: new Date(Date.now() + backstopMs),
    ready: async (trx) =>
      (await childRuns(trx, runId, keys)).every((row) => isTerminal(row.status)),
    reason: `Waiting for ${waiting.length} of ${summary.runs.length} member runs to end`,
  });
}

interface ChildRow {
  readonly id: string;
  readonly child_key: string | null;
  readonly status: RunStatus;
  readonly error: unknown;
}

/** The network run; refused unless it is a network-level job's run in the Network Zone. */
async function networkRun(step: MemberRunsStepInput) {
  const parent = await step.db
    .selectFrom("runs")
    .innerJoin("institutions", "institutions.code", "runs.institution")
    .select([
      "runs.job_id",
      "runs.created_by",
      "runs.priority",
      "institutions.kind",
      "institutions.name as zone",
    ])
    .where("runs.id", "=", step.runId)
    .executeTakeFirstOrThrow();
  if (step.registry.find(parent.job_id)?.definition.network !== true || parent.kind !== "network") {
    throw new NonRetriableError(
      "startMemberRuns starts runs in the member institutions for network-level jobs only: declare the job with network: true.",
    );
  }
  return parent;
}

/**
 * The member institutions, as the step's first try found them (journaled):
 * a member added later does not get a run from a resumed step.
 */
async function membersOf(
  db: Kysely<Database>,
  runId: string,
  stepKey: string,
): Promise<MemberInstitution[]> {
  const key = `${stepKey}:members`;
  const journaled = await readJournalEntry(db, runId, key);
  if (journaled) return journaled.value as MemberInstitution[];
  const rows = await db
    .selectFrom("institutions")
    .select(["code", "name", "time_zone"])
    .where("kind", "=", "member")
    .orderBy("code")
    .execute();
  const members = rows.map((row) => ({ code: row.code, name: row.name, timeZone: row.time_zone }));
  await writeJournalEntry(db, runId, key, members);
  // First write wins: a concurrent first try (a lease lost mid-step) reads the same list.
  return ((await readJournalEntry(db, runId, key))?.value as MemberInstitution[]) ?? members;
}

async function childRuns(
  db: Kysely<Database>,
  parentRunId: string,
  keys: readonly string[],
): Promise<ChildRow[]> {
  if (keys.length === 0) return [];
  return db
    .selectFrom("runs")
    .select(["id", "child_key", "status", "error"])
    .where("parent_run_id", "=", parentRunId)
    .where("child_key", "in", keys)
    .execute();
}

/**
 * Starts `member`'s run in its institution with its key; a concurrent start of
 * the same key (the unique index on child keys) finds the first one instead.
 */
async function startChild(
  step: MemberRunsStepInput,
  child: {
    readonly job: ReturnType<JobRegistry["get"]>;
    readonly params: unknown;
    readonly member: MemberInstitution;
    readonly childKey: string;
    readonly createdBy: string;
    readonly priority: number;
    readonly description: string;
  },
): Promise<{ row: ChildRow; created: boolean }> {
  try {
    const row = await step.db.transaction().execute(async (trx) => {
      const run = await insertRun(
        trx,
        step.boss,
        child.job,
        {
          jobId: child.job.id,
          params: child.params,
          createdBy: child.createdBy,
          trigger: { kind: "network", networkRunId: step.runId },
          description: child.description,
          priority: child.priority,
          institution: child.member.code,
        },
        child.params,
        {},
      );
      await trx
        .updateTable("runs")
        .set({ parent_run_id: step.runId, child_key: child.childKey })
        .where("id", "=", run.id)
        .execute();
      return { id: run.id, child_key: child.childKey, status: run.status, error: null };
    });
    return { row, created: true };
  } catch (error) {
    if ((error as { constraint?: string }).constraint === "runs_child_key_key") {
      const [first] = await childRuns(step.db, step.runId, [child.childKey]);
      if (first) return { row: first, created: false };
    }
    if (error instanceof DocketError && !(error instanceof NonRetriableError)) {
      throw new NonRetriableError(
        `startMemberRuns: the run for ${child.member.name} could not start: ${messageOf(error)}`,
      );
    }
    throw error;
  }
}

function summarize(
  members: readonly MemberInstitution[],
  childOf: (code: string) => ChildRow | undefined,
): MemberRunsSummary {
  const runs: MemberRun[] = [];
  for (const member of members) {
    const row = childOf(member.code);
    if (!row) continue;
    runs.push({
      institution: member.code,
      institutionName: member.name,
      runId: row.id,
      status: row.status,
      error: (row.error as { message?: string } | null)?.message ?? null,
    });
  }
  const ended = (statuses: readonly RunStatus[]) =>
    runs.filter((run) => statuses.includes(run.status)).length;
  return {
    runs,
    completed: ended(["completed", "completed_with_errors"]),
    failed: ended(["failed", "aborted"]),
  };
}
