"use client";

import {
  applyNodeChanges,
  type Connection,
  type EdgeChange,
  type NodeChange,
  useReactFlow,
} from "@xyflow/react";
import { type DragEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { paletteMime } from "./JobPalette.tsx";
import { layoutWorkflow, needsLayout } from "./layoutWorkflow.ts";
import type { Undoable } from "./useUndoable.ts";
import { nodeBoxSize, type WorkflowFlowNode } from "./WorkflowNodeBox.tsx";
import {
  addNode,
  connectNodes,
  moveNodes,
  type NodePosition,
  type PaletteItem,
  type placeIssues,
  removeElements,
  type WorkflowDraft,
} from "./workflowDraft.ts";
import { toFlowEdges, toFlowNodes } from "./workflowFlow.ts";

/** True when the key press is meant for a text input, not the canvas. */
function inTextInput(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))
  );
}

export interface WorkflowCanvasOptions {
  readonly history: Undoable<WorkflowDraft>;
  readonly initialDraft: WorkflowDraft;
  readonly editable: boolean;
  readonly jobTitles: ReadonlyMap<string, string>;
  readonly issues: ReturnType<typeof placeIssues>;
  /** A workflow laid out on opening: its new positions are the saved state, not an edit. */
  readonly onLaidOut: (draft: WorkflowDraft) => void;
  readonly setBusy: (busy: "layout" | null) => void;
}

/**
 * The canvas side of the workflow editor: React Flow's nodes and edges
 * following the draft (keeping measured sizes and selection), selection of a
 * node or an edge, drops from the palette, connecting, moving and deleting as
 * undo steps, auto-layout (once on opening a workflow without positions), and
 * Ctrl+Z / Ctrl+Shift+Z.
 */
export function useWorkflowCanvas({
  history,
  initialDraft,
  editable,
  jobTitles,
  issues,
  onLaidOut,
  setBusy,
}: WorkflowCanvasOptions) {
  const flow = useReactFlow<WorkflowFlowNode>();
  const draft = history.value;
  const [rfNodes, setRfNodes] = useState<WorkflowFlowNode[]>([]);
  const [selectedEdgeId, setSelectedEdgeId] = useState<string | null>(null);
  const pendingSelect = useRef<string | null>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  const addCount = useRef(0);

  // React Flow's nodes follow the draft, keeping their measured size and selection.
  useEffect(() => {
    setRfNodes((previous) => {
      const byId = new Map(previous.map((node) => [node.id, node]));
      const select = pendingSelect.current;
      pendingSelect.current = null;
      return toFlowNodes(draft, { jobTitles, issues, editable }).map((node) => {
        const old = byId.get(node.id);
        const selected = select ? node.id === select : (old?.selected ?? false);
        return old?.measured
          ? { ...node, measured: old.measured, selected }
          : { ...node, selected };
      });
    });
  }, [draft, jobTitles, issues, editable]);

  const selectedNode = useMemo(() => {
    const id = rfNodes.find((node) => node.selected)?.id;
    return id ? (draft.nodes.find((node) => node.id === id) ?? null) : null;
  }, [rfNodes, draft]);
  const selectedEdge = selectedEdgeId
    ? (draft.edges.find((edge) => edge.id === selectedEdgeId) ?? null)
    : null;

  const selectEdge = useCallback((id: string | null) => {
    setSelectedEdgeId(id);
    if (id) setRfNodes((nodes) => nodes.map((node) => ({ ...node, selected: false })));
  }, []);
  const selectNode = useCallback((id: string) => {
    setSelectedEdgeId(null);
    setRfNodes((nodes) => nodes.map((node) => ({ ...node, selected: node.id === id })));
  }, []);

  const edges = useMemo(
    () =>
      toFlowEdges(draft, {
        issues,
        jobTitles,
        selectedEdgeId,
        onSelect: (id) => selectEdge(id),
      }),
    [draft, issues, jobTitles, selectedEdgeId, selectEdge],
  );

  // A workflow without positions (imported, or written by hand) is laid out once.
  const laidOut = useRef(false);
  useEffect(() => {
    if (laidOut.current || !needsLayout(initialDraft) || initialDraft.nodes.length === 0) return;
    laidOut.current = true;
    void layoutWorkflow(initialDraft).then((positions) => {
      const placed = moveNodes(initialDraft, positions);
      history.reset(placed);
      onLaidOut(placed);
      requestAnimationFrame(() => void flow.fitView({ padding: 0.1, maxZoom: 1.2 }));
    });
  }, [initialDraft, history.reset, flow, onLaidOut]);

  const onNodesChange = useCallback(
    (changes: NodeChange<WorkflowFlowNode>[]) => {
      setRfNodes((nodes) => applyNodeChanges(changes, nodes));
      if (changes.some((change) => change.type === "select" && change.selected)) {
        setSelectedEdgeId(null);
      }
      if (!editable) return;
      // A drag becomes one undo step when it ends.
      const moved = new Map<string, NodePosition>();
      for (const change of changes) {
        if (change.type === "position" && change.dragging === false && change.position) {
          moved.set(change.id, change.position);
        }
      }
      if (moved.size > 0) history.change((d) => moveNodes(d, moved));
      const removed = changes.flatMap((c) => (c.type === "remove" ? [c.id] : []));
      if (removed.length > 0) history.change((d) => removeElements(d, removed, []));
    },
    [editable, history.change],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      for (const change of changes) {
        if (change.type === "select") {
          if (change.selected) setSelectedEdgeId(change.id);
          else setSelectedEdgeId((id) => (id === change.id ? null : id));
        }
      }
      if (!editable) return;
      const removed = changes.flatMap((c) => (c.type === "remove" ? [c.id] : []));
      if (removed.length > 0) history.change((d) => removeElements(d, [], removed));
    },
    [editable, history.change],
  );

  const { change, undo, redo } = history;

  const onConnect = useCallback(
    (connection: Connection) => {
      if (!editable) return;
      const result = connectNodes(draft, connection.source, connection.target);
      change(() => result.draft);
      // After connecting, the side panel offers the edge's type.
      if (result.id) selectEdge(result.id);
    },
    [editable, draft, change, selectEdge],
  );

  const place = (item: PaletteItem, at: NodePosition) => {
    const result = addNode(draft, item, {
      x: at.x - nodeBoxSize.width / 2,
      y: at.y - nodeBoxSize.height / 2,
    });
    pendingSelect.current = result.id;
    setSelectedEdgeId(null);
    change(() => result.draft);
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    const payload = event.dataTransfer.getData(paletteMime);
    if (!payload || !editable) return;
    event.preventDefault();
    const item = JSON.parse(payload) as PaletteItem;
    place(item, flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
  };

  const addAtCentre = (item: PaletteItem) => {
    const box = canvasRef.current?.getBoundingClientRect();
    if (!box) return;
    // Each click lands a little lower and right of the last, so added steps do not hide each other.
    const offset = (addCount.current++ % 6) * 24;
    place(
      item,
      flow.screenToFlowPosition({
        x: box.left + box.width / 2 + offset,
        y: box.top + box.height / 2 + offset,
      }),
    );
  };

  const autoLayout = async () => {
    setBusy("layout");
    try {
      const sizes = new Map(
        rfNodes.flatMap((node) =>
          node.measured?.width && node.measured.height
            ? [[node.id, { width: node.measured.width, height: node.measured.height }] as const]
            : [],
        ),
      );
      const positions = await layoutWorkflow(draft, sizes);
      history.change((d) => moveNodes(d, positions));
      requestAnimationFrame(() => void flow.fitView({ padding: 0.1, maxZoom: 1.2 }));
    } finally {
      setBusy(null);
    }
  };

  // Ctrl+Z / Ctrl+Shift+Z (and Ctrl+Y) outside text inputs, which keep their own undo.
  useEffect(() => {
    if (!editable) return;
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || inTextInput(event.target)) return;
      const key = event.key.toLowerCase();
      if (key === "z" && !event.shiftKey) undo();
      else if ((key === "z" && event.shiftKey) || key === "y") redo();
      else return;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [editable, undo, redo]);

  return {
    flow,
    canvasRef,
    rfNodes,
    edges,
    selectedNode,
    selectedEdge,
    selectNode,
    selectEdge,
    clearEdgeSelection: () => setSelectedEdgeId(null),
    onNodesChange,
    onEdgesChange,
    onConnect,
    onDrop,
    addAtCentre,
    autoLayout,
  };
}
