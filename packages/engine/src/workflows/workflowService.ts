import { isDeepStrictEqual } from "node:util";
import type { FieldIssue } from "@docket/sdk";
import { type Kysely, sql } from "kysely";
import type { PgBoss } from "pg-boss";
import {
  type Database,
  isTerminal,
  type RunTrigger,
  terminalStatuses,
} from "../database/schema.ts";
import { defaultInstitutionCode } from "../institutions/institution.ts";
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

/**
 * Workflows as the engine offers them (engine.workflows). Each belongs to one
 * institution, and so do its runs and their child runs; names are unique
 * within an institution.
 */
export interface WorkflowService {
  /** Not deleted, by name: of one institution, or of every one (`institution` undefined). */
  list(filter?: { readonly institution?: string | undefined }): Promise<WorkflowSummary[]>;
  /** One version (default the latest), with its graph and validation (against its institution's sets). */
  get(id: string, version?: number): Promise<WorkflowDetails>;
  /** With `institution`, another institution's workflow is unknown (deleted ones are found). */
  versions(id: string, institution?: string): Promise<WorkflowVersionSummary[]>;
  /**
   * Validates without saving: every issue, with paths naming nodes and edges.
   * With `institution`, nodes' sets must be that institution's.
   */
  validate(
    definition: unknown,
    institution?: string,
  ): Promise<{ valid: boolean; issues: readonly FieldIssue[] }>;
  /**
   * Saves a new version (or a new workflow, in `institution`, default the
   * default one); InvalidParamsError with issues when invalid. Another
   * institution's workflow id is unknown.
   */
  save(input: {
    id?: string;
    definition: unknown;
    savedBy: string;
    institution?: string | undefined;
  }): Promise<Workflow>;
  /** With `institution`, another institution's workflow is unknown. */
  delete(id: string, institution?: string): Promise<Workflow>;
  /** Starts a run of the latest version. */
  start(input: StartWorkflowRunInput): Promise<Run>;
  runStatus(runId: string): Promise<WorkflowRunStatus>;
  /**
   * The version (default latest) as a JSON document for `import`. With
   * `institution`, another institution's workflow is unknown.
   */
  export(id: string, version?: number, institution?: string): Promise<string>;
  /**
   * Saves an exported workflow in `institution`: under its id (a new version,
   * or none when the definition is the latest one already), or as a new
   * workflow (also when the id is another institution's workflow).
   */
  import(input: {
    json: string;
    savedBy: string;
    institution?: string | undefined;
  }): Promise<Workflow>;
  /**
   * Job types of the workflows an event named `eventName` starts (their `on`),
   * for permission checks: of `institution`'s workflows, or every one's.
   */
  jobIdsStartedBy(eventName: string, institution?: string): Promise<string[]>;
  /** Mails `email` when runs of the workflow end (default: on error only); the subscription is the workflow's institution's. */
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
  /**
   * An event was stored: wake workflow runs waiting for it, start workflows
   * triggered by it — only `institution`'s (the event's), when given.
   */
  eventEmitted(input: {
    name: string;
    emittedBy: string;
    institution?: string | undefined;
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
    list: (filter) => listWorkflows(db, filter),
    get: async (id, version) => {
      const workflow = await getWorkflow(db, id, version === undefined ? {} : { version });
      const validation = await validateWorkflow(
        db,
        registry,
        workflow.definition,
        workflow.institution,
      );
      return {
        ...workflow,
        graph: describeWorkflow(workflow.definition),
        validation: { valid: validation.valid, issues: validation.issues },
      };
    },
    versions: (id, institution) => listWorkflowVersions(db, id, institution),
    validate: async (definition, institution) => {
      const { valid, issues } = await validateWorkflow(db, registry, definition, institution);
      return { valid, issues };
    },
    save: (input) => saveWorkflow(db, registry, input),
    delete: (id, institution) => deleteWorkflow(db, id, institution),
    start: (input) => startWorkflowRun(db, boss, registry, input),
    runStatus: (runId) => getWorkflowRunStatus(db, runId),
    export: async (id, version, institution) =>
      exportWorkflow(
        await getWorkflow(db, id, { ...(version === undefined ? {} : { version }), institution }),
      ),
    import: async ({ json, savedBy, institution = defaultInstitutionCode }) => {
      const { id, definition } = parseWorkflowExport(json);
      if (id) {
        // Another institution's workflow under that id is not this one: imported as a new workflow.
        const latest = await getWorkflow(db, id, { includeDeleted: true, institution }).catch(
          () => undefined,
        );
        const validation = await validateWorkflow(db, registry, definition, institution);
        if (latest && !latest.deletedAt && validation.valid) {
          if (isDeepStrictEqual(latest.definition, validation.definition)) return latest;
        }
      }
      return saveWorkflow(db, registry, {
        ...(id ? { id, createIfMissing: true } : {}),
        definition,
        savedBy,
        institution,
      });
    },
    jobIdsStartedBy: async (eventName, institution) => {
      const jobIds = new Set<string>();
      for (const workflowId of await listWorkflowsTriggeredBy(db, eventName, institution)) {
        const { definition } = await getWorkflow(db, workflowId);
        for (const node of definition.nodes) if (node.kind === "job") jobIds.add(node.jobId);
      }
      return [...jobIds].sort();
    },
    subscribe: async (input) => {
      const workflow = await getWorkflow(db, input.workflowId);
      const job = jobOf(workflow.id, workflow.version, workflow.definition);
      const { workflowId: _, ...rest } = input;
      return subscribe(db, new JobRegistry([job]), {
        ...rest,
        jobId: job.id,
        institution: workflow.institution,
      });
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
      // An event wait left behind by a workflow run that ended (aborted) while waiting.
      if (run.workflow_id)
        await db.deleteFrom("run_event_waits").where("run_id", "=", runId).execute();
      if (run.status === "aborted") {
        // A workflow's child runs, or a network run's member runs: they go with it.
        const children = await db
          .selectFrom("runs")
          .select(["id", "status", "trigger"])
          .where("parent_run_id", "=", runId)
          .execute();
        for (const child of children) {
          if (isTerminal(child.status)) continue;
          await deps.abortRun(child.id, parentRunLabel(child.trigger, runId)).catch(() => {});
        }
      }
    },
    abortChildrenOfAbortedRuns: async (graceMs = 60_000) => {
      const orphans = await db
        .selectFrom("runs as child")
        .innerJoin("runs as parent", "parent.id", "child.parent_run_id")
        .select(["child.id", "child.parent_run_id", "child.trigger"])
        .where("parent.status", "=", "aborted")
        .where("parent.ended_at", "<", sql<Date>`now() - ${graceMs} * interval '1 millisecond'`)
        .where("child.status", "not in", [...terminalStatuses, "aborting"])
        .limit(100)
        .execute();
      let aborted = 0; // each success changes the child's status, so a repeated pass makes progress
      for (const orphan of orphans) {
        await deps
          .abortRun(orphan.id, parentRunLabel(orphan.trigger, orphan.parent_run_id ?? ""))
          .then(() => (aborted += 1))
          .catch(() => {}); // ended meanwhile
      }
      return aborted;
    },
    eventEmitted: async ({ name, emittedBy, institution }) => {
      // Another institution's event neither wakes nor starts anything here.
      const waiting = await db
        .selectFrom("run_event_waits")
        .innerJoin("runs", "runs.id", "run_event_waits.run_id")
        .select("run_event_waits.run_id")
        .where("run_event_waits.event_name", "=", name)
        .$if(institution !== undefined, (query) =>
          query.where("runs.institution", "=", institution as string),
        )
        .execute();
      for (const wait of waiting) await wakeParkedRun(db, boss, wait.run_id);
      const triggered: { workflowId: string; runId?: string; error?: string }[] = [];
      for (const workflowId of await listWorkflowsTriggeredBy(db, name, institution)) {
        try {
          const run = await service.start({
            workflowId,
            ...(institution !== undefined ? { institution } : {}),
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

/** Who aborts a run started by `parentRunId`, as its abort records it: its network run or workflow run. */
function parentRunLabel(trigger: RunTrigger, parentRunId: string): string {
  return `${trigger.kind === "network" ? "network" : "workflow"} run ${parentRunId}`;
}
