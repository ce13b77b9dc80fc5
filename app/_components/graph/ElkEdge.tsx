"use client";

import { BaseEdge, type Edge, EdgeLabelRenderer, type EdgeProps } from "@xyflow/react";
import type { Point, RoutedEdge } from "./elkLayout.ts";
import styles from "./graph.module.css";

/** What an edge drawn along ELK's route carries. */
export type ElkEdgeData = {
  readonly route: RoutedEdge;
  readonly label?: string;
  /** Extra class for the path (colour, dashes) and its label. */
  readonly tone?: string | undefined;
  readonly labelTone?: string | undefined;
};

export type ElkFlowEdge = Edge<ElkEdgeData, "elk">;

/**
 * Draws an edge along the route ELK computed (orthogonal, around boxes),
 * rather than React Flow's own curve between handles, so labels sit where the
 * layout left room for them.
 */
export function ElkEdge({
  data,
  markerEnd,
  style,
  sourceX,
  sourceY,
  targetX,
  targetY,
}: EdgeProps<ElkFlowEdge>) {
  const points =
    data && data.route.points.length >= 2
      ? data.route.points
      : [
          { x: sourceX, y: sourceY },
          { x: targetX, y: targetY },
        ];
  const path = roundedPath(points, 6);
  const center = data?.route.labelCenter ?? null;
  return (
    <>
      <BaseEdge
        path={path}
        {...(markerEnd ? { markerEnd } : {})}
        {...(style ? { style } : {})}
        className={data?.tone ?? ""}
        interactionWidth={12}
      />
      {data?.label && center ? (
        <EdgeLabelRenderer>
          <div
            className={`${styles.edgeLabel} ${data.labelTone ?? ""}`}
            style={{ transform: `translate(-50%, -50%) translate(${center.x}px, ${center.y}px)` }}
          >
            {data.label}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
}

/** An SVG path through `points` with corners rounded to `radius`. */
function roundedPath(points: readonly Point[], radius: number): string {
  const [first, ...rest] = points;
  if (!first) return "";
  let path = `M ${first.x} ${first.y}`;
  for (let i = 0; i < rest.length; i++) {
    const corner = rest[i] as Point;
    const next = rest[i + 1];
    const previous = (i === 0 ? first : rest[i - 1]) as Point;
    if (!next) {
      path += ` L ${corner.x} ${corner.y}`;
      break;
    }
    const r = Math.min(radius, distance(previous, corner) / 2, distance(corner, next) / 2);
    const before = towards(corner, previous, r);
    const after = towards(corner, next, r);
    path += ` L ${before.x} ${before.y} Q ${corner.x} ${corner.y} ${after.x} ${after.y}`;
  }
  return path;
}

function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function towards(from: Point, to: Point, length: number): Point {
  const d = distance(from, to) || 1;
  return { x: from.x + ((to.x - from.x) * length) / d, y: from.y + ((to.y - from.y) * length) / d };
}
