import type { ApiIssue } from "../../_lib/apiError.ts";
import type { RouterOutputs } from "../../_lib/trpcClient.ts";

/** A saved workflow version as `workflows.get` returns it. */
export type WorkflowDetailView = RouterOutputs["workflows"]["get"];
/** The stored definition: name, description, nodes, edges. */
export type WorkflowDefinitionView = WorkflowDetailView["definition"];
export type WorkflowNodeView = WorkflowDefinitionView["nodes"][number];
export type WorkflowEdgeView = WorkflowDefinitionView["edges"][number];
export type EdgeOutcome = WorkflowEdgeView["on"];
export type NodePosition = { readonly x: number; readonly y: number };

/**
 * What the editor changes, one undo step at a time: the definition as it will
 * be saved. Positions live on the nodes so a saved workflow opens as drawn.
 */
export interface WorkflowDraft {
  readonly name: string;
  readonly description: string;
  /** Event triggers are kept as loaded; the editor does not change them. */
  readonly on?: readonly string[];
  readonly nodes: readonly WorkflowNodeView[];
  readonly edges: readonly WorkflowEdgeView[];
}

export const emptyDraft: WorkflowDraft = { name: "", description: "", nodes: [], edges: [] };

export const outcomeLabels: Record<EdgeOutcome, string> = {
  success: "on success",
  failure: "on failure",
  always: "always",
};

/** A loaded definition as a draft (defaults spelled out). */
export function toDraft(definition: WorkflowDefinitionView): WorkflowDraft {
  return {
    name: definition.name,
    description: definition.description ?? "",
    ...(definition.on ? { on: definition.on } : {}),
    nodes: definition.nodes,
    edges: definition.edges ?? [],
  };
}

/** The draft as `workflows.save` and `workflows.validate` take it (name trimmed). */
export function toDefinition(draft: WorkflowDraft) {
  return {
    name: draft.name.trim(),
    description: draft.description,
    ...(draft.on && draft.on.length > 0 ? { on: [...draft.on] } : {}),
    nodes: draft.nodes.map((node) => ({ ...node })),
    edges: draft.edges.map((edge) => ({ ...edge })),
  };
}

/**
 * A node id not yet taken, readable in error messages: the job id's last part
 * (`items.change-policy` → `change-policy`), `delay`, `wait`, then `-2`, `-3`…
 */
export function nextNodeId(draft: WorkflowDraft, base: string): string {
  const cleaned =
    base
      .split(".")
      .at(-1)
      ?.replaceAll(/[^A-Za-z0-9_-]+/g, "-")
      .replace(/^[^A-Za-z]+/, "") || "node";
  const stem = cleaned.slice(0, 56);
  const taken = new Set(draft.nodes.map((node) => node.id));
  if (!taken.has(stem)) return stem;
  for (let n = 2; ; n++) {
    if (!taken.has(`${stem}-${n}`)) return `${stem}-${n}`;
  }
}

function nextEdgeId(draft: WorkflowDraft): string {
  const taken = new Set(draft.edges.map((edge) => edge.id));
  for (let n = draft.edges.length + 1; ; n++) {
    if (!taken.has(`e${n}`)) return `e${n}`;
  }
}

/** What the palette drops: a job type, a delay or a wait for an event. */
export type PaletteItem =
  | { readonly kind: "job"; readonly jobId: string }
  | { readonly kind: "delay" }
  | { readonly kind: "event" };

/** Defaults of a new delay (1 minute) and event wait. */
export const defaultDelayMs = 60_000;

export function addNode(
  draft: WorkflowDraft,
  item: PaletteItem,
  position: NodePosition,
): { draft: WorkflowDraft; id: string } {
  const rounded = { x: Math.round(position.x), y: Math.round(position.y) };
  let node: WorkflowNodeView;
  if (item.kind === "job") {
    node = {
      id: nextNodeId(draft, item.jobId),
      kind: "job",
      jobId: item.jobId,
      params: {},
      position: rounded,
    };
  } else if (item.kind === "delay") {
    node = {
      id: nextNodeId(draft, "delay"),
      kind: "delay",
      durationMs: defaultDelayMs,
      position: rounded,
    };
  } else {
    node = {
      id: nextNodeId(draft, "wait"),
      kind: "event",
      eventName: "",
      position: rounded,
    };
  }
  return { draft: { ...draft, nodes: [...draft.nodes, node] }, id: node.id };
}

/**
 * Connects two nodes. The edge takes the first outcome the source has no edge
 * for yet (success, then failure, then always), so drawing two edges out of a
 * job gives its success and failure branches; the side panel changes it.
 */
export function connectNodes(
  draft: WorkflowDraft,
  from: string,
  to: string,
): { draft: WorkflowDraft; id: string | null } {
  if (from === to) return { draft, id: null };
  const existing = draft.edges.find((edge) => edge.from === from && edge.to === to);
  if (existing) return { draft, id: existing.id };
  const used = new Set(draft.edges.filter((edge) => edge.from === from).map((edge) => edge.on));
  const on = (["success", "failure", "always"] as const).find((o) => !used.has(o)) ?? "success";
  const edge: WorkflowEdgeView = { id: nextEdgeId(draft), from, to, on };
  return { draft: { ...draft, edges: [...draft.edges, edge] }, id: edge.id };
}

export function updateNode(
  draft: WorkflowDraft,
  id: string,
  change: (node: WorkflowNodeView) => WorkflowNodeView,
): WorkflowDraft {
  return { ...draft, nodes: draft.nodes.map((node) => (node.id === id ? change(node) : node)) };
}

export function updateEdge(
  draft: WorkflowDraft,
  id: string,
  change: Partial<Pick<WorkflowEdgeView, "on">>,
): WorkflowDraft {
  return {
    ...draft,
    edges: draft.edges.map((edge) => (edge.id === id ? { ...edge, ...change } : edge)),
  };
}

/** Removes nodes and edges; edges of removed nodes go with them. */
export function removeElements(
  draft: WorkflowDraft,
  nodeIds: readonly string[],
  edgeIds: readonly string[],
): WorkflowDraft {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  const keptNodes = draft.nodes.filter((node) => !nodes.has(node.id));
  const keptEdges = draft.edges.filter(
    (edge) => !edges.has(edge.id) && !nodes.has(edge.from) && !nodes.has(edge.to),
  );
  // Nothing removed (the edges of a deleted node are reported again): no undo step.
  if (keptNodes.length === draft.nodes.length && keptEdges.length === draft.edges.length) {
    return draft;
  }
  return { ...draft, nodes: keptNodes, edges: keptEdges };
}

export function moveNodes(
  draft: WorkflowDraft,
  positions: ReadonlyMap<string, NodePosition>,
): WorkflowDraft {
  return {
    ...draft,
    nodes: draft.nodes.map((node) => {
      const position = positions.get(node.id);
      return position
        ? { ...node, position: { x: Math.round(position.x), y: Math.round(position.y) } }
        : node;
    }),
  };
}

/** Validation issues sorted to where they show: on a node, on an edge, or above the canvas. */
export interface PlacedIssues {
  readonly byNode: ReadonlyMap<string, readonly string[]>;
  readonly byEdge: ReadonlyMap<string, readonly string[]>;
  /** Issues of the workflow as a whole (`name`, `nodes`). */
  readonly general: readonly ApiIssue[];
  readonly all: readonly ApiIssue[];
}

export const noIssues: PlacedIssues = {
  byNode: new Map(),
  byEdge: new Map(),
  general: [],
  all: [],
};

/**
 * Reads `nodes.<nodeId>.params.<field>` and `edges.<edgeId>[.from]` paths; a
 * node's message keeps what follows its id (`params.failures: Too small`).
 */
export function placeIssues(issues: readonly ApiIssue[], draft: WorkflowDraft): PlacedIssues {
  const nodeIds = new Set(draft.nodes.map((node) => node.id));
  const edgeIds = new Set(draft.edges.map((edge) => edge.id));
  const byNode = new Map<string, string[]>();
  const byEdge = new Map<string, string[]>();
  const general: ApiIssue[] = [];
  for (const issue of issues) {
    const [root, id, ...rest] = issue.path.split(".");
    const message = rest.length > 0 ? `${rest.join(".")}: ${issue.message}` : issue.message;
    if (root === "nodes" && id !== undefined && nodeIds.has(id)) {
      byNode.set(id, [...(byNode.get(id) ?? []), message]);
    } else if (root === "edges" && id !== undefined && edgeIds.has(id)) {
      byEdge.set(id, [...(byEdge.get(id) ?? []), message]);
    } else {
      general.push(issue);
    }
  }
  return { byNode, byEdge, general, all: issues };
}

/** Issues on one field of a node's params, keyed by field name, for the parameter form. */
export function paramIssues(messages: readonly string[]): {
  byField: Record<string, string>;
  rest: string[];
} {
  const byField: Record<string, string> = {};
  const rest: string[] = [];
  for (const message of messages) {
    const match = /^params\.([^.:]+)[^:]*: (.*)$/.exec(message);
    if (match?.[1] && match[2] !== undefined) {
      byField[match[1]] = byField[match[1]] ? `${byField[match[1]]} ${match[2]}` : match[2];
    } else {
      rest.push(message);
    }
  }
  return { byField, rest };
}

/** `90000` → `1 min 30 s`, for node labels. */
export function describeDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["min", 60],
    ["s", 1],
  ] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count} ${unit}`);
    rest -= count * size;
  }
  return parts.length > 0 ? parts.join(" ") : `${ms} ms`;
}
