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
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import styles from "./dependencyGraph.module.css";
import type { DependencyEdgeKind, DependencyModel, DependencyNode } from "./dependencyModel.ts";
import { ElkEdge, type ElkFlowEdge } from "./ElkEdge.tsx";
import { type GraphLayout, layoutGraph, measureText } from "./elkLayout.ts";

export interface DependencyGraphProps {
  /** Built with `buildDependencyModel`. */
  readonly model: DependencyModel;
  /** Running runs per job id; those jobs are highlighted. Default: none. */
  readonly running?: ReadonlyMap<string, number>;
  /** Fixed height in px. Default: the drawing's proportions at full width, 360 to 760 px high. */
  readonly height?: number;
}

type NodeData = {
  readonly node: DependencyNode;
  readonly running: number;
};
type FlowNode = Node<NodeData, "item" | "category">;

const categoryHeader = 30;
const noRuns: ReadonlyMap<string, number> = new Map();
const nodeTypes: NodeTypes = { item: ItemBox, category: CategoryBox };
const edgeTypes = { elk: ElkEdge };

/** Colour pairs of the category palette (border/accent, background), in legend order; each strong colour keeps 4.5:1 on its background (small bold category titles). */
export const categoryPalette: readonly { readonly strong: string; readonly soft: string }[] = [
  { strong: "#4f46e5", soft: "#eef0ff" },
  { strong: "#107569", soft: "#effcf9" },
  { strong: "#c4320a", soft: "#fff4ed" },
  { strong: "#6938ef", soft: "#f4f3ff" },
  { strong: "#175cd3", soft: "#eff8ff" },
  { strong: "#c11574", soft: "#fdf2fa" },
  { strong: "#4d7c0f", soft: "#f5fbea" },
  { strong: "#b54708", soft: "#fffaeb" },
];

export function toneColors(tone: number) {
  return categoryPalette[tone % categoryPalette.length] ?? { strong: "#4f46e5", soft: "#eef0ff" };
}

/** How each kind of edge is drawn; the legend uses the same words. */
export const edgeKinds: Readonly<
  Record<
    DependencyEdgeKind,
    { readonly label: string; readonly className: string; readonly arrow: boolean }
  >
> = {
  conflict: { label: "conflicts with", className: styles.edgeConflict ?? "", arrow: false },
  waits: { label: "waits for", className: styles.edgeWaits ?? "", arrow: true },
  trigger: { label: "starts on event", className: styles.edgeTrigger ?? "", arrow: true },
  schedule: { label: "scheduled", className: styles.edgeSchedule ?? "", arrow: true },
  workflow: { label: "step of workflow", className: styles.edgeWorkflow ?? "", arrow: true },
};

/**
 * Every job type as a box inside its category, with what ties job types
 * together: conflicts, waits, event triggers, schedules and workflows. Jobs
 * with running runs are highlighted; boxes link to the job or schedule.
 */
export function DependencyGraph({ model, running = noRuns, height }: DependencyGraphProps) {
  const key = useMemo(
    () =>
      JSON.stringify([
        model.nodes.map((node) => [node.id, node.parentId]),
        model.edges.map((e) => e.id),
      ]),
    [model],
  );
  const [layout, setLayout] = useState<{ key: string; value: GraphLayout } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const inputs = model.nodes.map((node) => ({
      id: node.id,
      parentId: node.parentId,
      ...sizeOf(node),
      ...(node.kind === "category" ? { headerHeight: categoryHeader } : {}),
    }));
    const edges = model.edges.map((edge) => ({
      id: edge.id,
      source: edge.source,
      target: edge.target,
    }));
    layoutGraph(inputs, edges, { direction: "RIGHT", nodeSpacing: 20, layerSpacing: 72 })
      .then((value) => {
        if (!cancelled) setLayout({ key, value });
      })
      .catch((error: unknown) => {
        if (!cancelled) setFailure(error instanceof Error ? error.message : String(error));
      });
    return () => {
      cancelled = true;
    };
  }, [model, key]);

  const flow = useMemo(() => {
    if (!layout) return null;
    const nodes: FlowNode[] = [];
    for (const node of model.nodes) {
      const place = layout.value.nodes.get(node.id);
      if (!place) continue;
      const jobId = node.kind === "job" ? (node.detail ?? "") : "";
      nodes.push({
        id: node.id,
        type: node.kind === "category" ? "category" : "item",
        position: { x: place.x, y: place.y },
        width: place.width,
        height: place.height,
        ...(node.parentId ? { parentId: node.parentId } : {}),
        data: { node, running: running.get(jobId) ?? 0 },
        draggable: false,
        selectable: false,
        // The link inside a box takes focus; the box itself would be a second, useless tab stop.
        focusable: false,
        ...(node.kind === "category" ? { zIndex: -1 } : {}),
      });
    }
    const edges: ElkFlowEdge[] = model.edges.map((edge) => {
      const style = edgeKinds[edge.kind];
      return {
        id: edge.id,
        source: edge.source,
        target: edge.target,
        type: "elk",
        data: {
          route: layout.value.edges.get(edge.id) ?? { points: [], labelCenter: null },
          tone: style.className,
        },
        ...(style.arrow
          ? {
              markerEnd: {
                type: MarkerType.ArrowClosed,
                width: 14,
                height: 14,
                color: markerColor(edge.kind),
              },
            }
          : {}),
        focusable: false,
      };
    });
    return { nodes, edges };
  }, [layout, model, running]);

  if (failure) {
    return (
      <p className={styles.note} role="alert">
        The dependency graph could not be drawn: {failure}
      </p>
    );
  }
  const bounds = layout ? boundsOf(layout.value) : null;
  const frameStyle =
    height !== undefined
      ? { height }
      : bounds
        ? {
            aspectRatio: `${bounds.width + 40} / ${bounds.height + 110}`,
            minHeight: 360,
            maxHeight: 760,
          }
        : { height: 480 };
  return (
    <div className={styles.canvas} style={frameStyle}>
      {flow ? (
        <ReactFlow
          key={layout?.key}
          aria-label="Dependency graph: job types by category and what ties them together (the same relations are listed as a table below)"
          nodes={flow.nodes}
          edges={flow.edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          fitView
          fitViewOptions={{ padding: 0.04, maxZoom: 1.3 }}
          minZoom={0.15}
          maxZoom={2}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          zoomOnScroll={false}
          preventScrolling={false}
        >
          <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
          <Controls showInteractive={false} position="bottom-right" orientation="horizontal" />
        </ReactFlow>
      ) : (
        <div className={styles.note} role="status">
          Laying out the graph…
        </div>
      )}
    </div>
  );
}

/** A box's padding and borders on both sides, with a few px to spare for font rounding. */
const boxInset = { job: 12 * 2 + 4 + 1 + 8, other: 12 * 2 + 2 + 8 } as const;
/** The icon before a non-job title and the gap after it. */
const iconRoom = 13 + 6;

/** Box sizes from the labels as the browser draws them (dependencyGraph.module.css), so none is cut. */
function sizeOf(node: DependencyNode): { width: number; height: number } {
  const detail = node.detail ?? "";
  switch (node.kind) {
    case "category": {
      const title = measureText(node.label.toUpperCase(), {
        sizePx: 11,
        weight: 700,
        letterSpacingEm: 0.06,
      });
      return { width: title + 14 * 2 + 8, height: categoryHeader + 40 };
    }
    case "job":
      return {
        width: Math.max(
          150,
          measureText(node.label, { sizePx: 13, weight: 600 }) + boxInset.job,
          measureText(detail, { sizePx: 11, mono: true }) + boxInset.job,
        ),
        height: 52,
      };
    default:
      return {
        width: Math.max(
          130,
          measureText(node.label, { sizePx: node.kind === "workflow" ? 13 : 12, weight: 600 }) +
            iconRoom +
            boxInset.other,
          measureText(detail, { sizePx: 11 }) + boxInset.other,
        ),
        height: 46,
      };
  }
}

function markerColor(kind: DependencyEdgeKind): string {
  switch (kind) {
    case "waits":
      return "#1570ef";
    case "trigger":
      return "#b54708";
    case "workflow":
      return "#7a5af8";
    default:
      return "#9aa0ad";
  }
}

/** Line icons (24×24, stroke = currentColor) for the boxes that are not job types. */
const kindIcon: Partial<Record<DependencyNode["kind"], string>> = {
  event: "M13 3 5 14h6l-1 7 8-11h-6z",
  schedule: "M12 7v5l3 2M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0z",
  workflow: "M5 6h6v4H5zM13 14h6v4h-6zM8 10v4a2 2 0 0 0 2 2h3",
};

function KindIcon({ kind }: { readonly kind: DependencyNode["kind"] }) {
  const path = kindIcon[kind];
  if (!path) return null;
  return (
    <svg
      className={styles.itemIcon}
      width={13}
      height={13}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d={path} />
    </svg>
  );
}

function boundsOf(layout: GraphLayout): { width: number; height: number } {
  let width = 0;
  let height = 0;
  for (const place of layout.nodes.values()) {
    width = Math.max(width, place.x + place.width);
    height = Math.max(height, place.y + place.height);
  }
  return { width, height };
}

function ItemBox({ data }: NodeProps<Node<NodeData, "item">>) {
  const { node, running } = data;
  const colors = toneColors(node.tone);
  const classes = [
    styles.item,
    styles[`item_${node.kind}`] ?? "",
    node.muted ? styles.itemMuted : "",
    running > 0 ? styles.itemRunning : "",
  ].join(" ");
  const body = (
    <>
      <span className={styles.itemTitle}>
        <KindIcon kind={node.kind} />
        {node.label}
      </span>
      {node.detail ? <span className={styles.itemDetail}>{node.detail}</span> : null}
    </>
  );
  return (
    <div
      className={classes}
      style={node.kind === "job" && !node.muted ? { borderLeftColor: colors.strong } : undefined}
    >
      <Handle
        type="target"
        position={Position.Left}
        className={styles.handle}
        isConnectable={false}
      />
      {node.href ? (
        <Link
          href={node.href}
          className={styles.itemLink}
          aria-label={`${node.label}${node.detail ? ` (${node.detail})` : ""}${running > 0 ? `, ${running} running` : ""}`}
        >
          {body}
        </Link>
      ) : (
        <div className={styles.itemLink}>{body}</div>
      )}
      {running > 0 ? (
        <span className={styles.runningBadge}>
          <span className={styles.runningDot} aria-hidden="true" />
          {running} running
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

function CategoryBox({ data }: NodeProps<Node<NodeData, "category">>) {
  const colors = toneColors(data.node.tone);
  return (
    <div
      className={styles.category}
      style={{ borderColor: colors.strong, background: colors.soft }}
    >
      <Handle
        type="target"
        position={Position.Left}
        className={styles.handle}
        isConnectable={false}
      />
      <div className={styles.categoryTitle} style={{ color: colors.strong }}>
        {data.node.label}
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
