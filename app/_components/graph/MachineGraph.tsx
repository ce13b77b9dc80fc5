"use client";

import {
  Background,
  BackgroundVariant,
  Controls,
  Handle,
  MarkerType,
  type Node,
  type NodeProps,
  type NodeTypes,
  Position,
  ReactFlow,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ElkEdge, type ElkFlowEdge } from "./ElkEdge.tsx";
import {
  type GraphLayout,
  type LayoutEdgeInput,
  type LayoutNodeInput,
  layoutGraph,
  textWidth,
} from "./elkLayout.ts";
import styles from "./graph.module.css";

/** A state of a job's machine, as `jobs.get` returns it in `graph.nodes`. */
export interface MachineStateNode {
  readonly id: string;
  readonly parentId: string | null;
  readonly key: string;
  readonly type: "atomic" | "compound" | "parallel" | "final" | "history";
  readonly initial: boolean;
}

/** A transition, labelled with its event ("done", "after 5 s", "ABORT", …). */
export interface MachineTransition {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly label: string;
}

/** `jobs.get(...).graph`: states (parents before children, the machine itself first) and transitions. */
export interface MachineGraphData {
  readonly nodes: readonly MachineStateNode[];
  readonly edges: readonly MachineTransition[];
}

export interface MachineGraphProps {
  /** The machine to draw: the `graph` of `jobs.get`. */
  readonly graph: MachineGraphData;
  /**
   * Ids of the active states (`graph.nodes[].id`, e.g. `withdraw.withdrawing`),
   * drawn with the strong accent. A nested active state may list its parents
   * too. Convert a run's XState value with {@link stateIdsOfValue}. Default: none.
   */
  readonly currentState?: readonly string[];
  /** Ids of states the run has been in, marked as visited. Default: none. */
  readonly visitedStates?: readonly string[];
  /**
   * Where a run ended badly: the states it failed in (red, "failed here") or
   * was aborted in ("aborted here"). Default: none.
   */
  readonly stoppedStates?: { readonly ids: readonly string[]; readonly how: StoppedHow };
  /** What the graph shows, for screen readers. Default "State machine". */
  readonly label?: string;
  /** Fixed height in px. Default: the drawing's proportions at full width, 200 to 520 px high. */
  readonly height?: number;
}

/** How a run ended in a state it did not leave. */
export type StoppedHow = "failed" | "aborted";

type StateData = {
  readonly label: string;
  readonly kind: MachineStateNode["type"];
  readonly status: "current" | "visited" | "idle" | StoppedHow;
};

const stoppedWords: Readonly<Record<StoppedHow, string>> = {
  failed: "failed here",
  aborted: "aborted here",
};
type StartData = Record<string, never>;
type StateFlowNode = Node<StateData, "state" | "group">;
type StartFlowNode = Node<StartData, "start">;
type FlowNode = StateFlowNode | StartFlowNode;

const stateHeight = 40;
const groupHeaderHeight = 26;
const startSize = 14;
const minFrameHeight = 200;
const maxFrameHeight = 560;
const maxZoom = 1.4;
/** Stand-in for the machine itself, the source of transitions any state takes (machine-level `on`). */
const anyStateId = "__any";

const nodeTypes: NodeTypes = { state: StateBox, group: GroupBox, start: StartDot };
const edgeTypes = { elk: ElkEdge };

/**
 * A job's state machine: states laid out left to right by ELK (nested states
 * inside their parent), transitions labelled with their event, the initial
 * state marked by a dot and the final ones by a double border. Zoom and pan
 * with the controls or the mouse; states are focusable; a text list of the
 * transitions follows for screen readers.
 *
 * @example
 * <MachineGraph graph={job.graph} currentState={stateIdsOfValue(job.graph, run.state)} />
 */
export function MachineGraph({
  graph,
  currentState = [],
  visitedStates = [],
  stoppedStates,
  label = "State machine",
  height,
}: MachineGraphProps) {
  const shape = useMemo(() => machineShape(graph), [graph]);
  const [layouts, setLayouts] = useState<Layouts | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [frame, setFrame] = useState<{ width: number; height: number } | null>(null);
  const observer = useRef<ResizeObserver | null>(null);
  // Measured so the layout direction can suit the room: across a wide page, down a narrow column.
  const measure = useCallback((element: HTMLDivElement | null) => {
    observer.current?.disconnect();
    if (!element) return;
    observer.current = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const { width, height: measured } = entry.contentRect;
      setFrame((previous) =>
        previous &&
        Math.abs(previous.width - width) < 24 &&
        Math.abs(previous.height - measured) < 24
          ? previous
          : { width, height: measured },
      );
    });
    observer.current.observe(element);
  }, []);

  useEffect(() => {
    let cancelled = false;
    const options = { layerSpacing: 44, nodeSpacing: 24 };
    Promise.all([
      layoutGraph(shape.nodes, shape.edges, { ...options, direction: "RIGHT" }),
      layoutGraph(shape.nodes, shape.edges, { ...options, direction: "DOWN" }),
    ])
      .then(([right, down]) => {
        if (!cancelled) setLayouts({ key: shape.key, right, down });
      })
      .catch((error: unknown) => {
        if (!cancelled) setFailure(error instanceof Error ? error.message : String(error));
      });
    return () => {
      cancelled = true;
    };
  }, [shape]);

  const direction =
    layouts && frame ? chooseDirection(layouts, frame, height !== undefined) : "RIGHT";
  const layout = layouts ? (direction === "RIGHT" ? layouts.right : layouts.down) : null;

  // Keyed by content: callers pass fresh arrays on every render (a live run page re-renders often).
  const currentKey = currentState.join("\n");
  const visitedKey = visitedStates.join("\n");
  const current = useMemo(() => new Set(currentKey.split("\n").filter(Boolean)), [currentKey]);
  const visited = useMemo(() => new Set(visitedKey.split("\n").filter(Boolean)), [visitedKey]);
  const stoppedHow = stoppedStates?.how ?? null;
  const stoppedKey = stoppedStates?.ids.join("\n") ?? "";
  const stopped = useMemo(
    () => ({ how: stoppedHow, ids: new Set(stoppedKey.split("\n").filter(Boolean)) }),
    [stoppedHow, stoppedKey],
  );
  const flow = useMemo(
    () => (layout ? toFlow(graph, shape, layout, current, visited, stopped) : null),
    [graph, shape, layout, current, visited, stopped],
  );

  if (failure) {
    return (
      <p className={styles.graphNote} role="alert">
        The state machine could not be drawn: {failure}
      </p>
    );
  }
  const bounds = layout ? boundsOf(layout) : null;
  // The frame takes the drawing's proportions (within limits), so fit-to-view neither shrinks it nor
  // leaves bands; the extra height keeps the zoom controls off the drawing.
  const frameStyle =
    height !== undefined
      ? { height }
      : bounds
        ? {
            aspectRatio: `${bounds.width + 48} / ${bounds.height + 96}`,
            minHeight: minFrameHeight,
            maxHeight: maxFrameHeight,
          }
        : { height: 260 };
  return (
    <figure className={styles.figure} aria-label={label}>
      <div className={styles.canvas} style={frameStyle} ref={measure}>
        {flow && frame ? (
          <ReactFlow
            key={`${layouts?.key}:${direction}`}
            nodes={flow.nodes}
            edges={flow.edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            fitView
            fitViewOptions={{ padding: 0.08, maxZoom }}
            minZoom={0.2}
            maxZoom={2.5}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable
            zoomOnScroll={false}
            preventScrolling={false}
            ariaLabelConfig={{ "node.a11yDescription.default": "A state of the machine." }}
          >
            <Background variant={BackgroundVariant.Dots} gap={18} size={1} />
            <Controls showInteractive={false} position="bottom-right" orientation="horizontal" />
          </ReactFlow>
        ) : (
          <div className={styles.loading} role="status">
            Laying out the state machine…
          </div>
        )}
      </div>
      <figcaption className={styles.caption}>
        <span className={styles.legendItem}>
          <span className={styles.legendStart} aria-hidden="true" /> initial state
        </span>
        <span className={styles.legendItem}>
          <span className={`${styles.legendBox} ${styles.legendFinal}`} aria-hidden="true" /> final
          state
        </span>
        {currentState.length > 0 ? (
          <span className={styles.legendItem}>
            <span className={`${styles.legendBox} ${styles.legendCurrent}`} aria-hidden="true" />{" "}
            current
          </span>
        ) : null}
        {visitedStates.length > 0 ? (
          <span className={styles.legendItem}>
            <span className={`${styles.legendBox} ${styles.legendVisited}`} aria-hidden="true" />{" "}
            visited
          </span>
        ) : null}
        {stoppedStates && stoppedStates.ids.length > 0 ? (
          <span className={styles.legendItem}>
            <span
              className={`${styles.legendBox} ${stoppedStates.how === "failed" ? styles.legendFailed : styles.legendAborted}`}
              aria-hidden="true"
            />{" "}
            {stoppedWords[stoppedStates.how]}
          </span>
        ) : null}
      </figcaption>
      <details className={styles.textAlternative}>
        <summary>States and transitions as text</summary>
        <ul>
          {graph.edges.map((edge) => (
            <li key={edge.id}>
              {nameOf(graph, edge.source)} → {nameOf(graph, edge.target)}{" "}
              <span className="muted">on {edge.label}</span>
            </li>
          ))}
          {graph.nodes
            .filter((node) => node.type === "final")
            .map((node) => (
              <li key={node.id}>{node.key} is a final state</li>
            ))}
        </ul>
      </details>
    </figure>
  );
}

/**
 * The graph's state ids active in an XState state value: `"withdrawing"` →
 * `["withdraw.withdrawing"]`, `{ processing: "chunk" }` → the parent and the
 * child. Ids not in the graph are left out.
 */
export function stateIdsOfValue(graph: MachineGraphData, value: unknown): string[] {
  const root = graph.nodes.find((node) => node.parentId === null);
  if (!root) return [];
  const known = new Set(graph.nodes.map((node) => node.id));
  const ids: string[] = [];
  const walk = (prefix: string, part: unknown) => {
    if (typeof part === "string") {
      const id = `${prefix}.${part}`;
      if (known.has(id)) ids.push(id);
    } else if (part && typeof part === "object") {
      for (const [key, child] of Object.entries(part)) {
        const id = `${prefix}.${key}`;
        if (known.has(id)) ids.push(id);
        walk(id, child);
      }
    }
  };
  walk(root.id, value);
  return ids;
}

/** The machine laid out both ways; which one is drawn depends on the room. */
interface Layouts {
  readonly key: string;
  readonly right: GraphLayout;
  readonly down: GraphLayout;
}

/**
 * Left to right where there is room (wide pages), top to bottom in narrow
 * frames: whichever fits the frame at the larger scale. A frame whose height
 * follows the drawing is judged by its width alone.
 */
function chooseDirection(
  layouts: Layouts,
  frame: { width: number; height: number },
  fixedHeight: boolean,
): "RIGHT" | "DOWN" {
  const scale = (layout: GraphLayout) => {
    const bounds = boundsOf(layout);
    const width = bounds.width + 48;
    // An auto-height frame takes the drawing's proportions, between its min and max height.
    const frameHeight = fixedHeight
      ? frame.height
      : Math.min(
          maxFrameHeight,
          Math.max(minFrameHeight, (frame.width * (bounds.height + 96)) / width),
        );
    return Math.min(frame.width / width, frameHeight / (bounds.height + 48), maxZoom);
  };
  return scale(layouts.down) > scale(layouts.right) * 1.15 ? "DOWN" : "RIGHT";
}

interface MachineShape {
  readonly key: string;
  readonly rootId: string | null;
  readonly nodes: LayoutNodeInput[];
  readonly edges: (LayoutEdgeInput & { readonly text: string })[];
}

/** What ELK places: the states without the machine itself, a start dot per region, the transitions. */
function machineShape(graph: MachineGraphData): MachineShape {
  const root = graph.nodes.find((node) => node.parentId === null) ?? null;
  const rootId = root?.id ?? null;
  const parentOf = (node: MachineStateNode) => (node.parentId === rootId ? null : node.parentId);
  const containers = new Set(graph.nodes.flatMap((node) => (node.parentId ? [node.parentId] : [])));
  const nodes: LayoutNodeInput[] = [];
  const edges: (LayoutEdgeInput & { text: string })[] = [];
  for (const node of graph.nodes) {
    if (node.id === rootId) continue;
    const compound = containers.has(node.id);
    nodes.push({
      id: node.id,
      parentId: parentOf(node),
      // Room for the visited tick or the current dot beside the name.
      width: Math.max(compound ? 140 : 112, textWidth(node.key) + 58),
      height: compound ? groupHeaderHeight + 40 : stateHeight,
      ...(compound ? { headerHeight: groupHeaderHeight } : {}),
    });
    if (node.initial) {
      const startId = `__start:${node.parentId ?? ""}`;
      nodes.push({ id: startId, parentId: parentOf(node), width: startSize, height: startSize });
      edges.push({ id: `${startId}->${node.id}`, source: startId, target: node.id, text: "" });
    }
  }
  const usesAnyState = graph.edges.some((edge) => edge.source === rootId);
  if (usesAnyState) {
    nodes.push({ id: anyStateId, parentId: null, width: textWidth("any state") + 28, height: 30 });
  }
  for (const edge of graph.edges) {
    if (edge.target === rootId) continue;
    const source = edge.source === rootId ? anyStateId : edge.source;
    edges.push({
      id: edge.id,
      source,
      target: edge.target,
      text: edge.label,
      label: { text: edge.label, width: textWidth(edge.label, 6.6) + 14, height: 20 },
    });
  }
  const key = JSON.stringify([
    graph.nodes.map((node) => node.id),
    graph.edges.map((edge) => edge.id),
  ]);
  return { key, rootId, nodes, edges };
}

function toFlow(
  graph: MachineGraphData,
  shape: MachineShape,
  layout: GraphLayout,
  current: ReadonlySet<string>,
  visited: ReadonlySet<string>,
  stopped: { readonly how: StoppedHow | null; readonly ids: ReadonlySet<string> },
): { nodes: FlowNode[]; edges: ElkFlowEdge[] } {
  const states = new Map(graph.nodes.map((node) => [node.id, node]));
  const nodes: FlowNode[] = [];
  for (const input of shape.nodes) {
    const place = layout.nodes.get(input.id);
    if (!place) continue;
    const common = {
      id: input.id,
      position: { x: place.x, y: place.y },
      width: place.width,
      height: place.height,
      ...(input.parentId ? { parentId: input.parentId } : {}),
      draggable: false,
    };
    if (input.id.startsWith("__start:")) {
      nodes.push({ ...common, type: "start", data: {}, selectable: false, focusable: false });
      continue;
    }
    const state = states.get(input.id);
    const kind = state?.type ?? "atomic";
    const status =
      stopped.how && stopped.ids.has(input.id)
        ? stopped.how
        : current.has(input.id)
          ? "current"
          : visited.has(input.id)
            ? "visited"
            : "idle";
    const name = state?.key ?? "any state";
    nodes.push({
      ...common,
      type: input.headerHeight === undefined ? "state" : "group",
      data: { label: name, kind, status },
      ariaLabel: `State ${name}${kind === "final" ? ", final" : ""}${state?.initial ? ", initial" : ""}${statusWords(status)}`,
      ...(input.headerHeight === undefined ? {} : { zIndex: -1 }),
    });
  }
  const edges: ElkFlowEdge[] = shape.edges.map((edge) => {
    const route = layout.edges.get(edge.id) ?? { points: [], labelCenter: null };
    const taken =
      (current.has(edge.target) || stopped.ids.has(edge.target)) &&
      (visited.has(edge.source) || current.has(edge.source));
    return {
      id: edge.id,
      source: edge.source,
      target: edge.target,
      type: "elk",
      data: {
        route,
        ...(edge.text ? { label: edge.text } : {}),
        tone: taken ? styles.edgeActive : styles.edge,
        labelTone: taken ? styles.edgeLabelActive : "",
      },
      markerEnd: {
        type: MarkerType.ArrowClosed,
        width: 16,
        height: 16,
        color: taken ? "#4f46e5" : "#9aa0ad",
      },
      focusable: false,
    };
  });
  return { nodes, edges };
}

function StateBox({ data }: NodeProps<Node<StateData, "state">>) {
  const classes = [
    styles.state,
    data.kind === "final" ? styles.stateFinal : "",
    data.status === "current" ? styles.stateCurrent : "",
    data.status === "visited" ? styles.stateVisited : "",
    data.status === "failed" ? styles.stateFailed : "",
    data.status === "aborted" ? styles.stateAborted : "",
  ].join(" ");
  return (
    <div className={classes} title={data.label}>
      <Handle
        type="target"
        position={Position.Left}
        className={styles.handle}
        isConnectable={false}
      />
      {data.status === "visited" ? (
        <span className={styles.visitedMark} aria-hidden="true">
          ✓
        </span>
      ) : null}
      {data.status === "current" ? <span className={styles.pulse} aria-hidden="true" /> : null}
      <span className={styles.stateLabel}>{data.label}</span>
      {data.status === "failed" || data.status === "aborted" ? (
        <span className={styles.stoppedTag} data-testid="stopped-tag">
          {stoppedWords[data.status]}
        </span>
      ) : null}
      <Handle
        type="source"
        position={Position.Right}
        className={styles.handle}
        isConnectable={false}
      />
    </div>
  );
}

function GroupBox({ data }: NodeProps<Node<StateData, "group">>) {
  const classes = [
    styles.group,
    data.kind === "parallel" ? styles.groupParallel : "",
    data.status === "current" ? styles.groupCurrent : "",
    data.status === "visited" ? styles.groupVisited : "",
  ].join(" ");
  return (
    <div className={classes}>
      <Handle
        type="target"
        position={Position.Left}
        className={styles.handle}
        isConnectable={false}
      />
      <div className={styles.groupTitle}>
        {data.label}
        {data.kind === "parallel" ? <span className={styles.groupKind}> · parallel</span> : null}
      </div>
      <Handle
        type="source"
        position={Position.Right}
        className={styles.handle}
        isConnectable={false}
      />
    </div>
  );
}

function StartDot(_props: NodeProps<StartFlowNode>) {
  return (
    <div className={styles.start}>
      <Handle
        type="source"
        position={Position.Right}
        className={styles.handle}
        isConnectable={false}
      />
    </div>
  );
}

/** What a screen reader hears after a state's name. */
function statusWords(status: StateData["status"]): string {
  switch (status) {
    case "idle":
      return "";
    case "failed":
    case "aborted":
      return `, ${stoppedWords[status]}`;
    default:
      return `, ${status}`;
  }
}

function nameOf(graph: MachineGraphData, id: string): string {
  const node = graph.nodes.find((candidate) => candidate.id === id);
  // The machine itself is the source of transitions every state takes.
  if (node?.parentId === null) return "any state";
  return node?.key ?? id;
}

function boundsOf(layout: GraphLayout): { width: number; height: number } {
  let width = 0;
  let height = 0;
  // Nested boxes are placed relative to their parent, so they never reach past it.
  for (const place of layout.nodes.values()) {
    width = Math.max(width, place.x + place.width);
    height = Math.max(height, place.y + place.height);
  }
  return { width, height };
}
