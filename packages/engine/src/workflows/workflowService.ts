import { isDeepStrictEqual } from "node:util";
import type { FieldIssue } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import type { PgBoss } from "pg-boss";
import { type Database, isTerminal, terminalStatuses } from "../database/schema.ts";
import type { NotificationSubscription } from "../notifications/notificationSubscription.ts";
import { subscribe } from "../notifications/subscribe.ts";
import { JobRegistry, type RegisteredJob } from "../registry/jobRegistry.ts";
import type { MachineGraph } from "../registry/machineGraph.ts";
import type { Run } from "../runs/run.ts";
import { deleteWorkflow, saveWorkflow } from "./saveWorkflow.ts";
import { type StartWorkflowRunInput, startWorkflowRun } from "./startWorkflowRun.ts";
import { validateWorkflow } from "./validateWorkflow.ts";
import { wakeParkedRun } from "./wakeParkedRun.ts";
import type { Workflow, WorkflowSummary, WorkflowVersionSummary } from "./workflow.ts";
import type { WorkflowDefinition } from "./workflowDefinition.ts";
import { exportWorkflow, parseWorkflowExport } from "./workflowExport.ts";
import { describeWorkflow } from "./workflowGraph.ts";
import { toWorkflowJob } from "./workflowJob.ts";
import {
  getWorkflow,
  listWorkflows,
  listWorkflowsTriggeredBy,
  listWorkflowVersions,
} from "./workflowQueries.ts";
import { getWorkflowRunStatus, type WorkflowRunStatus } from "./workflowRunStatus.ts";
import { createWorkflowSteps } from "./workflowSteps.ts";

/** A workflow version with what the designer draws and whether it still validates. */
export type WorkflowDetails = Workflow & {
  readonly graph: MachineGraph;
  /** Checked against today's job catalog and sets (a job may have changed since the save). */
  readonly validation: { readonly valid: boolean; readonly issues: readonly FieldIssue[] };
};

/** Workflows as the engine offers them (engine.workflows). */
export interface WorkflowService {
  list(): Promise<WorkflowSummary[]>;
  /** One version (default the latest), with its graph and validation. */
  get(id: string, version?: number): Promise<WorkflowDetails>;
  versions(id: string): Promise<WorkflowVersionSummary[]>;
  /** Validates without saving: every issue, with paths naming nodes and edges. */
  validate(definition: unknown): Promise<{ valid: boolean; issues: readonly FieldIssue[] }>;
  /** Saves a new version (or a new workflow); InvalidParamsError with issues when invalid. */
  save(input: { id?: string; definition: unknown; savedBy: string }): Promise<Workflow>;
  delete(id: string): Promise<Workflow>;
  /** Starts a run of the latest version. */
  start(input: StartWorkflowRunInput): Promise<Run>;
  runStatus(runId: string): Promise<WorkflowRunStatus>;
  /** The version (default latest) as a JSON document for `import`. */
  export(id: string, version?: number): Promise<string>;
  /**
   * Saves an exported workflow: under its id (a new version, or none when the
   * definition is the latest one already), or as a new workflow.
   */
  import(input: { json: string; savedBy: string }): Promise<Workflow>;
  /** Job types of the workflows an event named `eventName` starts (their `on`), for permission checks. */
  jobIdsStartedBy(eventName: string): Promise<string[]>;
  /** Mails `email` when runs of the workflow end (default: on error only). */
  subscribe(input: {
    workflowId: string;
    email: string;
    onSuccess?: boolean;
    onError?: boolean;
    createdBy: string;
  }): Promise<NotificationSubscription>;
}

/** What the runner, scheduler, events and run ends need from workflows. */
export interface WorkflowInternals {
  /** The worker's source of workflow runs: each run's machine, compiled from its version. */
  readonly compiledRuns: {
    jobFor(runId: string): Promise<RegisteredJob | undefined>;
  };
  /** A run ended: wake its parent; an aborted workflow run aborts its child in flight. */
  runEnded(runId: string): Promise<void>;
  /**
   * Aborts children still in flight of workflow runs aborted at least `graceMs`
   * (default 60 s) ago: what `runEnded` does, for a process that died before it
   * could. Returns how many it aborted.
   */
  abortChildrenOfAbortedRuns(graceMs?: number): Promise<number>;
  /** An event was stored: wake workflow runs waiting for it, start workflows triggered by it. */
  eventEmitted(input: {
    name: string;
    emittedBy: string;
  }): Promise<{ workflowId: string; runId?: string; error?: string }[]>;
  /** The title of a workflow run (its workflow's name), for messages; undefined for a job's run. */
  titleOfRun(runId: string): Promise<string | undefined>;
}

export interface WorkflowServiceDependencies {
  readonly db: Kysely<Database>;
  readonly boss: PgBoss;
  readonly registry: JobRegistry;
  /** Aborts a run as the engine does (so its end is handled like any other). */
  readonly abortRun: (runId: string, requestedBy: string) => Promise<unknown>;
}

export function createWorkflowService(
  deps: WorkflowServiceDependencies,
): WorkflowService & { readonly internals: WorkflowInternals } {
  const { db, boss, registry } = deps;
  const steps = createWorkflowSteps({ db, boss, registry });
  const compiled = new Map<string, RegisteredJob>();

  const jobOf = (workflowId: string, version: number, definition: WorkflowDefinition) => {
    const key = `${workflowId}:${version}`;
    let job = compiled.get(key);
    if (!job) {
      job = toWorkflowJob(workflowId, definition, steps);
      compiled.set(key, job);
    }
    return job;
  };

  const service: WorkflowService = {
    list: () => listWorkflows(db),
    get: async (id, version) => {
      const workflow = await getWorkflow(db, id, version === undefined ? {} : { version });
      const validation = await validateWorkflow(db, registry, workflow.definition);
      return {
        ...workflow,
        graph: describeWorkflow(workflow.definition),
        validation: { valid: validation.valid, issues: validation.issues },
      };
    },
    versions: (id) => listWorkflowVersions(db, id),
    validate: async (definition) => {
      const { valid, issues } = await validateWorkflow(db, registry, definition);
      return { valid, issues };
    },
    save: (input) => saveWorkflow(db, registry, input),
    delete: (id) => deleteWorkflow(db, id),
    start: (input) => startWorkflowRun(db, boss, registry, input),
    runStatus: (runId) => getWorkflowRunStatus(db, runId),
    export: async (id, version) =>
      exportWorkflow(await getWorkflow(db, id, version === undefined ? {} : { version })),
    import: async ({ json, savedBy }) => {
      const { id, definition } = parseWorkflowExport(json);
      if (id) {
        const latest = await getWorkflow(db, id, { includeDeleted: true }).catch(() => undefined);
        const validation = await validateWorkflow(db, registry, definition);
        if (latest && !latest.deletedAt && validation.valid) {
          if (isDeepStrictEqual(latest.definition, validation.definition)) return latest;
        }
      }
      return saveWorkflow(db, registry, {
        ...(id ? { id, createIfMissing: true } : {}),
        definition,
        savedBy,
      });
    },
    jobIdsStartedBy: async (eventName) => {
      const jobIds = new Set<string>();
      for (const workflowId of await listWorkflowsTriggeredBy(db, eventName)) {
        const { definition } = await getWorkflow(db, workflowId);
        for (const node of definition.nodes) if (node.kind === "job") jobIds.add(node.jobId);
      }
      return [...jobIds].sort();
    },
    subscribe: async (input) => {
      const workflow = await getWorkflow(db, input.workflowId);
      const job = jobOf(workflow.id, workflow.version, workflow.definition);
      const { workflowId: _, ...rest } = input;
      return subscribe(db, new JobRegistry([job]), { ...rest, jobId: job.id });
    },
  };

  const internals: WorkflowInternals = {
    compiledRuns: {
      jobFor: async (runId) => {
        const run = await db
          .selectFrom("runs")
          .select(["workflow_id", "workflow_version"])
          .where("id", "=", runId)
          .executeTakeFirst();
        if (!run?.workflow_id || run.workflow_version === null) return undefined;
        const key = `${run.workflow_id}:${run.workflow_version}`;
        const known = compiled.get(key);
        if (known) return known;
        const workflow = await getWorkflow(db, run.workflow_id, {
          version: run.workflow_version,
          includeDeleted: true,
        });
        return jobOf(workflow.id, workflow.version, workflow.definition);
      },
    },
    runEnded: async (runId) => {
      const run = await db
        .selectFrom("runs")
        .select(["id", "status", "parent_run_id", "workflow_id"])
        .where("id", "=", runId)
        .executeTakeFirst();
      if (!run) return;
      if (run.parent_run_id) await wakeParkedRun(db, boss, run.parent_run_id);
      if (!run.workflow_id) return;
      // An event wait left behind by a run that ended (aborted) while waiting.
      await db.deleteFrom("run_event_waits").where("run_id", "=", runId).execute();
      if (run.status === "aborted") {
        const children = await db
          .selectFrom("runs")
          .select(["id", "status"])
          .where("parent_run_id", "=", runId)
          .execute();
        for (const child of children) {
          if (isTerminal(child.status)) continue;
          await deps.abortRun(child.id, `workflow run ${runId}`).catch(() => {});
        }
      }
    },
    abortChildrenOfAbortedRuns: async (graceMs = 60_000) => {
      const orphans = await db
        .selectFrom("runs as child")
        .innerJoin("runs as parent", "parent.id", "child.parent_run_id")
        .select(["child.id", "child.parent_run_id"])
        .where("parent.status", "=", "aborted")
        .where("parent.ended_at", "<", sql<Date>`now() - ${graceMs} * interval '1 millisecond'`)
        .where("child.status", "not in", [...terminalStatuses, "aborting"])
        .limit(100)
        .execute();
      let aborted = 0; // each success changes the child's status, so a repeated pass makes progress
      for (const orphan of orphans) {
        await deps
          .abortRun(orphan.id, `workflow run ${orphan.parent_run_id}`)
          .then(() => (aborted += 1))
          .catch(() => {}); // ended meanwhile
      }
      return aborted;
    },
    eventEmitted: async ({ name, emittedBy }) => {
      const waiting = await db
        .selectFrom("run_event_waits")
        .select("run_id")
        .where("event_name", "=", name)
        .execute();
      for (const wait of waiting) await wakeParkedRun(db, boss, wait.run_id);
      const triggered: { workflowId: string; runId?: string; error?: string }[] = [];
      for (const workflowId of await listWorkflowsTriggeredBy(db, name)) {
        try {
          const run = await service.start({
            workflowId,
            createdBy: emittedBy,
            trigger: { kind: "event", event: name },
          });
          triggered.push({ workflowId, runId: run.id });
        } catch (error) {
          triggered.push({ workflowId, error: (error as Error).message });
        }
      }
      return triggered;
    },
    titleOfRun: async (runId) => {
      const row = await db
        .selectFrom("runs")
        .innerJoin("workflows", "workflows.id", "runs.workflow_id")
        .select("workflows.name")
        .where("runs.id", "=", runId)
        .executeTakeFirst()
        .catch(() => undefined);
      return row?.name;
    },
  };
  return { ...service, internals };
}
