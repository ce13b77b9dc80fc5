import type { FieldIssue } from "@docket/sdk";
import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { restoreJobId } from "../records/restoreJob.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { checkParams } from "../runs/startRun.ts";
import { isUuid } from "../validation/isUuid.ts";
import {
  type EdgeOutcome,
  maxNodeParamsBytes,
  WorkflowDefinition,
  type WorkflowEdge,
} from "./workflowDefinition.ts";

/** What validation made of a definition: every issue at once, each naming its node or edge. */
export type WorkflowValidation =
  | { readonly valid: true; readonly issues: readonly []; readonly definition: WorkflowDefinition }
  | { readonly valid: false; readonly issues: readonly FieldIssue[] };

/**
 * Checks a workflow definition without saving it: its shape, then its job
 * types, params (against each job's schema) and sets, then its graph (one
 * start, no cycle, every node reachable, at most one edge per outcome). Paths
 * name the node or edge at fault: `nodes.<nodeId>.params.<field>`,
 * `edges.<edgeId>`. With `institution`, a node's set must be that
 * institution's (the workflow's): another institution's set is unknown.
 */
export async function validateWorkflow(
  db: Kysely<Database>,
  registry: JobRegistry,
  input: unknown,
  institution?: string,
): Promise<WorkflowValidation> {
  const parsed = WorkflowDefinition.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: namedPath(input, issue.path),
      message: issue.message,
    }));
    // Only the name or description is wrong: the steps are judged too, so every problem shows at once.
    const steps = issues.every((issue) => issue.path === "name" || issue.path === "description")
      ? WorkflowDefinition.safeParse({ ...(input as object), name: "-", description: "" })
      : null;
    if (!steps?.success) return { valid: false, issues };
    const more = await checkDefinition(db, registry, steps.data, institution);
    return { valid: false, issues: [...issues, ...more] };
  }
  const issues = await checkDefinition(db, registry, parsed.data, institution);
  return issues.length === 0
    ? { valid: true, issues: [], definition: parsed.data }
    : { valid: false, issues };
}

/** The problems of a well-formed definition: ids, job types, params, sets, graph. */
async function checkDefinition(
  db: Kysely<Database>,
  registry: JobRegistry,
  definition: WorkflowDefinition,
  institution: string | undefined,
): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const nodeIds = new Set<string>();
  for (const node of definition.nodes) {
    if (nodeIds.has(node.id)) {
      issues.push({ path: `nodes.${node.id}`, message: `Two nodes have the id "${node.id}"` });
    }
    nodeIds.add(node.id);
  }
  const edgeIds = new Set<string>();
  for (const edge of definition.edges) {
    if (edgeIds.has(edge.id)) {
      issues.push({ path: `edges.${edge.id}`, message: `Two edges have the id "${edge.id}"` });
    }
    edgeIds.add(edge.id);
    for (const end of ["from", "to"] as const) {
      if (!nodeIds.has(edge[end])) {
        issues.push({
          path: `edges.${edge.id}.${end}`,
          message: `No node "${edge[end]}" in this workflow`,
        });
      }
    }
  }
  // The graph is checked unless ids are ambiguous or dangling (it could not be read then).
  const graphIssues = issues.length === 0 ? checkGraph(definition) : [];
  issues.push(...(await checkNodes(db, registry, definition, institution)), ...graphIssues);
  return issues;
}

async function checkNodes(
  db: Kysely<Database>,
  registry: JobRegistry,
  definition: WorkflowDefinition,
  institution: string | undefined,
): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const setIds = definition.nodes.flatMap((node) =>
    node.kind === "job" && node.setId && isUuid(node.setId) ? [node.setId] : [],
  );
  const sets = new Map(
    setIds.length === 0
      ? []
      : (
          await db
            .selectFrom("sets")
            .select(["id", "name", "target"])
            .where("id", "in", setIds)
            .$if(institution !== undefined, (query) =>
              query.where("institution", "=", institution as string),
            )
            .execute()
        ).map((set) => [set.id, set]),
  );
  // Read once, and only for a workflow with a network-level job (start refuses those elsewhere).
  let networkZone: Promise<boolean> | undefined;
  const inNetworkZone = () => {
    networkZone ??=
      institution === undefined
        ? Promise.resolve(true)
        : db
            .selectFrom("institutions")
            .select("kind")
            .where("code", "=", institution)
            .executeTakeFirst()
            .then((row) => row?.kind === "network");
    return networkZone;
  };
  for (const node of definition.nodes) {
    const at = `nodes.${node.id}`;
    if (node.kind !== "job") continue;
    if (node.jobId === restoreJobId) {
      issues.push({
        path: `${at}.jobId`,
        message: `Job "${restoreJobId}" restores one run's records and is started from that run (runs.restore), not from a workflow`,
      });
      continue;
    }
    const job = registry.find(node.jobId);
    if (!job) {
      const known = registry
        .list()
        .map((j) => j.id)
        .join(", ");
      issues.push({
        path: `${at}.jobId`,
        message: `Unknown job "${node.jobId}". Known jobs: ${known}`,
      });
      continue;
    }
    if (job.definition.network === true && !(await inNetworkZone())) {
      issues.push({
        path: `${at}.jobId`,
        message: `"${job.definition.title}" is a network-level job: it runs in the Network Zone, not in a member institution's workflow`,
      });
      continue;
    }
    const size = Buffer.byteLength(JSON.stringify(node.params));
    if (size > maxNodeParamsBytes) {
      issues.push({
        path: `${at}.params`,
        message: `Too large (${size} bytes, limit ${maxNodeParamsBytes})`,
      });
    } else {
      issues.push(
        ...checkParams(job.id, job.definition.params, node.params, `${at}.params`).issues,
      );
    }
    const target = job.definition.target;
    if (!target) {
      if (node.setId !== undefined) {
        issues.push({ path: `${at}.setId`, message: `Job "${job.id}" takes no set; remove it` });
      }
    } else if (node.setId === undefined) {
      issues.push({
        path: `${at}.setId`,
        message: `Job "${job.id}" runs on a set of ${target}: choose one`,
      });
    } else {
      const set = sets.get(node.setId);
      if (!set) {
        issues.push({ path: `${at}.setId`, message: `Unknown set "${node.setId}"` });
      } else if (set.target !== target) {
        issues.push({
          path: `${at}.setId`,
          message: `Set "${set.name}" holds ${set.target}; job "${job.id}" runs on ${target}`,
        });
      }
    }
  }
  return issues;
}

/** The graph's shape: one start, each node reachable, no cycle, one edge per outcome. */
function checkGraph(definition: WorkflowDefinition): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const outgoing = new Map<string, WorkflowEdge[]>(definition.nodes.map((n) => [n.id, []]));
  const incoming = new Set<string>();
  for (const edge of definition.edges) {
    outgoing.get(edge.from)?.push(edge);
    incoming.add(edge.to);
  }
  for (const node of definition.nodes) {
    const taken = new Map<EdgeOutcome, WorkflowEdge>();
    for (const edge of outgoing.get(node.id) ?? []) {
      const earlier = taken.get(edge.on);
      if (earlier) {
        issues.push({
          path: `edges.${edge.id}`,
          message: `Node "${node.id}" already has a ${edge.on} edge ("${earlier.id}"); a node takes one edge per outcome`,
        });
        continue;
      }
      const clash =
        edge.on === "always" ? (taken.get("success") ?? taken.get("failure")) : taken.get("always");
      if (clash) {
        issues.push({
          path: `edges.${edge.id}`,
          message: `Node "${node.id}" has an "always" edge and a ${edge.on === "always" ? clash.on : edge.on} edge; use either "always" or success/failure`,
        });
        continue;
      }
      if (node.kind === "delay" && edge.on === "failure") {
        issues.push({
          path: `edges.${edge.id}`,
          message: `Delay "${node.id}" never fails; use a success edge`,
        });
        continue;
      }
      taken.set(edge.on, edge);
    }
  }
  const starts = definition.nodes.filter((node) => !incoming.has(node.id));
  for (const extra of starts.slice(1)) {
    issues.push({
      path: `nodes.${extra.id}`,
      message: `More than one start: "${starts[0]?.id}" and "${extra.id}" have no incoming edge; connect "${extra.id}" or remove it`,
    });
  }
  // Depth-first from the start: an edge back to a node on the current path closes a cycle.
  const visited = new Set<string>();
  const onPath = new Set<string>();
  const visit = (nodeId: string) => {
    visited.add(nodeId);
    onPath.add(nodeId);
    for (const edge of outgoing.get(nodeId) ?? []) {
      if (onPath.has(edge.to)) {
        issues.push({
          path: `edges.${edge.id}`,
          message: `Edge "${edge.id}" (${edge.from} → ${edge.to}) closes a cycle; workflows run each node at most once per path`,
        });
      } else if (!visited.has(edge.to)) {
        visit(edge.to);
      }
    }
    onPath.delete(nodeId);
  };
  const start = starts[0];
  if (start) visit(start.id);
  else {
    issues.push({
      path: "nodes",
      message: "No start: every node has an incoming edge, so the graph is one cycle",
    });
  }
  const unreachable = definition.nodes.filter(
    (node) => !visited.has(node.id) && !starts.some((s) => s.id === node.id),
  );
  // Without a start, "unreachable" says nothing more than "no start" above.
  for (const node of start ? unreachable : []) {
    issues.push({
      path: `nodes.${node.id}`,
      message: `Node "${node.id}" cannot be reached from the start "${start?.id ?? "?"}"`,
    });
  }
  // Cycles among unreachable nodes are reported too, each by its closing edge.
  for (const node of unreachable) if (!visited.has(node.id)) visit(node.id);
  return issues;
}

/** A zod issue path with `nodes.<index>` and `edges.<index>` replaced by their ids where known. */
function namedPath(input: unknown, path: readonly PropertyKey[]): string {
  const parts = path.map(String);
  const [list, index] = parts;
  if ((list === "nodes" || list === "edges") && index !== undefined && /^\d+$/.test(index)) {
    const items = (input as Record<string, unknown> | null)?.[list];
    const item = Array.isArray(items) ? (items[Number(index)] as { id?: unknown }) : undefined;
    if (item && typeof item.id === "string" && item.id.length > 0 && item.id.length <= 64) {
      parts[1] = item.id;
    }
  }
  return parts.join(".");
}
