/**
 * What the dependency graph shows, built from API data by pure functions so
 * new kinds of things (workflows today, others later) join by adding a source
 * to {@link buildDependencyModel}, not by touching the drawing.
 */

export type DependencyNodeKind = "category" | "job" | "event" | "schedule" | "workflow";

/**
 * - `conflict`: the two job types never run at the same time (drawn once per pair, no arrow).
 * - `waits`: the source waits behind running runs of the target.
 * - `trigger`: an event starts the job.
 * - `schedule`: a schedule starts the job.
 * - `workflow`: a workflow runs the job as one of its steps.
 */
export type DependencyEdgeKind = "conflict" | "waits" | "trigger" | "schedule" | "workflow";

export interface DependencyNode {
  readonly id: string;
  readonly kind: DependencyNodeKind;
  readonly label: string;
  /** Second line: a job's id, a schedule's timing, a workflow's size. */
  readonly detail: string | null;
  /** The category box a job sits in. */
  readonly parentId: string | null;
  /** Index into the category palette (jobs and their category box). */
  readonly tone: number;
  /** Where the node leads, if anywhere (a job's page, a schedule's editor). */
  readonly href: string | null;
  /** An inactive schedule, or a job type the catalog does not know. */
  readonly muted: boolean;
}

export interface DependencyEdge {
  readonly id: string;
  readonly kind: DependencyEdgeKind;
  readonly source: string;
  readonly target: string;
}

export interface DependencyModel {
  readonly nodes: readonly DependencyNode[];
  readonly edges: readonly DependencyEdge[];
  /** Categories in palette order, for the legend. */
  readonly categories: readonly string[];
}

export interface DependencyJob {
  readonly id: string;
  readonly title: string;
  readonly category: string;
  readonly conflictsWith: readonly string[];
  readonly waitsFor: readonly string[];
  /** Events that start it. */
  readonly on: readonly string[];
}

export interface DependencySchedule {
  readonly id: string;
  readonly name: string;
  readonly jobId: string;
  /** The workflow it starts instead of a job, if any. */
  readonly workflowId: string | null;
  readonly description: string;
  readonly active: boolean;
}

export interface DependencyWorkflow {
  readonly id: string;
  readonly name: string;
  readonly jobIds: readonly string[];
}

export interface DependencyInput {
  readonly jobs: readonly DependencyJob[];
  readonly schedules?: readonly DependencySchedule[];
  readonly workflows?: readonly DependencyWorkflow[];
}

/** Node ids by kind, so ids of different kinds never collide. */
export const dependencyNodeId = {
  job: (id: string) => `job:${id}`,
  category: (name: string) => `category:${name}`,
  event: (name: string) => `event:${name}`,
  schedule: (id: string) => `schedule:${id}`,
  workflow: (id: string) => `workflow:${id}`,
} as const;

/** Job types grouped by category, with their conflicts, waits, event triggers, schedules and workflows. */
export function buildDependencyModel(input: DependencyInput): DependencyModel {
  const categories = [...new Set(input.jobs.map((job) => job.category))].sort((a, b) =>
    a.localeCompare(b),
  );
  const toneOf = new Map(categories.map((category, index) => [category, index]));
  const nodes: DependencyNode[] = [];
  const edges: DependencyEdge[] = [];
  const known = new Set(input.jobs.map((job) => job.id));
  const jobNode = (id: string) => dependencyNodeId.job(id);

  for (const category of categories) {
    nodes.push({
      id: dependencyNodeId.category(category),
      kind: "category",
      label: category,
      detail: null,
      parentId: null,
      tone: toneOf.get(category) ?? 0,
      href: null,
      muted: false,
    });
  }
  for (const job of [...input.jobs].sort((a, b) => a.id.localeCompare(b.id))) {
    nodes.push({
      id: jobNode(job.id),
      kind: "job",
      label: job.title,
      detail: job.id,
      parentId: dependencyNodeId.category(job.category),
      tone: toneOf.get(job.category) ?? 0,
      href: `/jobs/${encodeURIComponent(job.id)}`,
      muted: false,
    });
  }
  // A policy may name a job type no file defines (renamed, removed): show it rather than drop the edge.
  const unknown = new Set<string>();
  const reference = (id: string) => {
    if (!known.has(id) && !unknown.has(id)) {
      unknown.add(id);
      nodes.push({
        id: jobNode(id),
        kind: "job",
        label: id,
        detail: "not in the catalog",
        parentId: null,
        tone: 0,
        href: null,
        muted: true,
      });
    }
    return jobNode(id);
  };

  const conflictPairs = new Set<string>();
  for (const job of input.jobs) {
    for (const other of job.conflictsWith) {
      const pair = [job.id, other].sort().join("\u0000");
      if (conflictPairs.has(pair) || other === job.id) continue;
      conflictPairs.add(pair);
      edges.push({
        id: `conflict:${pair}`,
        kind: "conflict",
        source: jobNode(job.id),
        target: reference(other),
      });
    }
    for (const awaited of job.waitsFor) {
      edges.push({
        id: `waits:${job.id}->${awaited}`,
        kind: "waits",
        source: jobNode(job.id),
        target: reference(awaited),
      });
    }
  }

  const events = [...new Set(input.jobs.flatMap((job) => job.on))].sort();
  for (const event of events) {
    nodes.push({
      id: dependencyNodeId.event(event),
      kind: "event",
      label: event,
      detail: "event",
      parentId: null,
      tone: 0,
      href: null,
      muted: false,
    });
  }
  for (const job of input.jobs) {
    for (const event of job.on) {
      edges.push({
        id: `trigger:${event}->${job.id}`,
        kind: "trigger",
        source: dependencyNodeId.event(event),
        target: jobNode(job.id),
      });
    }
  }

  for (const schedule of input.schedules ?? []) {
    // Schedules of workflows point at the workflow node, when it is shown.
    const workflowId = schedule.workflowId;
    const target = workflowId
      ? (input.workflows ?? []).some((workflow) => workflow.id === workflowId)
        ? dependencyNodeId.workflow(workflowId)
        : null
      : reference(schedule.jobId);
    if (!target) continue;
    nodes.push({
      id: dependencyNodeId.schedule(schedule.id),
      kind: "schedule",
      label: schedule.name,
      detail: schedule.active ? schedule.description : `inactive · ${schedule.description}`,
      parentId: null,
      tone: 0,
      href: `/schedules/${schedule.id}`,
      muted: !schedule.active,
    });
    edges.push({
      id: `schedule:${schedule.id}`,
      kind: "schedule",
      source: dependencyNodeId.schedule(schedule.id),
      target,
    });
  }

  for (const workflow of input.workflows ?? []) {
    nodes.push({
      id: dependencyNodeId.workflow(workflow.id),
      kind: "workflow",
      label: workflow.name,
      detail: `workflow · ${workflow.jobIds.length} job type${workflow.jobIds.length === 1 ? "" : "s"}`,
      parentId: null,
      tone: 0,
      href: null,
      muted: false,
    });
    for (const jobId of workflow.jobIds) {
      edges.push({
        id: `workflow:${workflow.id}->${jobId}`,
        kind: "workflow",
        source: dependencyNodeId.workflow(workflow.id),
        target: reference(jobId),
      });
    }
  }
  return { nodes, edges, categories };
}
