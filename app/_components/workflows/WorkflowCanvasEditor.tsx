"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  applyNodeChanges,
  Background,
  BackgroundVariant,
  type Connection,
  Controls,
  type EdgeChange,
  type NodeChange,
  ReactFlow,
  useReactFlow,
} from "@xyflow/react";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { type DragEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { type ApiIssue, toApiError } from "../../_lib/apiError.ts";
import { formatDateTime } from "../../_lib/formatters.ts";
import { type JobSummary, type RouterOutputs, useTRPC } from "../../_lib/trpcClient.ts";
import { useInvalidate, useRunsChanged } from "../../_lib/useInvalidate.ts";
import { useSession } from "../AuthProvider.tsx";
import { ConfirmDialog } from "../ConfirmDialog.tsx";
import { Field } from "../Field.tsx";
import { Icon } from "../Icon.tsx";
import { PageHeader } from "../PageHeader.tsx";
import { downloadText, workflowFileName } from "./downloadText.ts";
import { EdgeInspector } from "./EdgeInspector.tsx";
import { JobPalette, paletteMime } from "./JobPalette.tsx";
import { layoutWorkflow, needsLayout } from "./layoutWorkflow.ts";
import { NodeInspector } from "./NodeInspector.tsx";
import { OutcomeEdge } from "./OutcomeEdge.tsx";
import { useUndoable } from "./useUndoable.ts";
import { nodeBoxSize, type WorkflowFlowNode, WorkflowNodeBox } from "./WorkflowNodeBox.tsx";
import {
  addNode,
  connectNodes,
  moveNodes,
  type NodePosition,
  type PaletteItem,
  placeIssues,
  removeElements,
  toDefinition,
  updateEdge,
  updateNode,
  type WorkflowDetailView,
  type WorkflowDraft,
} from "./workflowDraft.ts";
import { describeNode, toFlowEdges, toFlowNodes } from "./workflowFlow.ts";
import styles from "./workflows.module.css";

type VersionView = RouterOutputs["workflows"]["versions"][number];
type Saved = RouterOutputs["workflows"]["save"];

interface WorkflowCanvasEditorProps {
  readonly workflow: WorkflowDetailView | null;
  readonly initialDraft: WorkflowDraft;
  readonly versions: readonly VersionView[];
  readonly jobs: readonly JobSummary[] | undefined;
  readonly readOnly: boolean;
  /** After a save; `created` for a workflow saved for the first time. */
  readonly onSaved: (saved: Saved, created: boolean) => void;
}

const nodeTypes = { workflowNode: WorkflowNodeBox };
const edgeTypes = { outcome: OutcomeEdge };

type Notice = { readonly tone: "success" | "error" | "info"; readonly text: string } | null;

/** True when the key press is meant for a text input, not the canvas. */
function inTextInput(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))
  );
}

/**
 * The canvas editor: palette, React Flow canvas, side panel, toolbar (undo,
 * redo, auto-layout, fit, validate, save, run, export). Validation issues are
 * drawn on the node or edge at fault and listed in the side panel.
 */
export function WorkflowCanvasEditor({
  workflow,
  initialDraft,
  versions,
  jobs,
  readOnly,
  onSaved,
}: WorkflowCanvasEditorProps) {
  const router = useRouter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invalidate = useInvalidate();
  const runsChanged = useRunsChanged();
  const workflowsChanged = () => invalidate(trpc.workflows.pathKey());
  const validation = useMutation(trpc.workflows.validate.mutationOptions());
  const saving = useMutation(trpc.workflows.save.mutationOptions({ onSuccess: workflowsChanged }));
  const starting = useMutation(trpc.workflows.start.mutationOptions({ onSuccess: runsChanged }));
  const deletion = useMutation(
    trpc.workflows.delete.mutationOptions({ onSuccess: workflowsChanged }),
  );
  const savedVersion = useSearchParams().get("saved");
  const { user } = useSession();
  const flow = useReactFlow<WorkflowFlowNode>();
  const history = useUndoable<WorkflowDraft>(initialDraft);
  const draft = history.value;
  const [savedDraft, setSavedDraft] = useState(initialDraft);
  const [rfNodes, setRfNodes] = useState<WorkflowFlowNode[]>([]);
  const [selectedEdgeId, setSelectedEdgeId] = useState<string | null>(null);
  const [issueList, setIssueList] = useState<readonly ApiIssue[]>([]);
  const [notice, setNotice] = useState<Notice>(
    savedVersion ? { tone: "success", text: `Saved as version ${savedVersion}.` } : null,
  );
  const [busy, setBusy] = useState<null | "save" | "validate" | "run" | "layout" | "delete">(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const pendingSelect = useRef<string | null>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  const addCount = useRef(0);

  const jobTitles = useMemo(
    () => new Map((jobs ?? []).map((job) => [job.id, job.title] as const)),
    [jobs],
  );
  const issues = useMemo(() => placeIssues(issueList, draft), [issueList, draft]);
  const dirty = useMemo(
    () => JSON.stringify(toDefinition(draft)) !== JSON.stringify(toDefinition(savedDraft)),
    [draft, savedDraft],
  );
  const editable = !readOnly && user.role !== "viewer";

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
        selectedEdgeId,
        onSelect: (id) => selectEdge(id),
      }),
    [draft, issues, selectedEdgeId, selectEdge],
  );

  // A workflow without positions (imported, or written by hand) is laid out once.
  const laidOut = useRef(false);
  useEffect(() => {
    if (laidOut.current || !needsLayout(initialDraft) || initialDraft.nodes.length === 0) return;
    laidOut.current = true;
    void layoutWorkflow(initialDraft).then((positions) => {
      const placed = moveNodes(initialDraft, positions);
      history.reset(placed);
      setSavedDraft(placed);
      requestAnimationFrame(() => void flow.fitView({ padding: 0.1, maxZoom: 1.2 }));
    });
  }, [initialDraft, history.reset, flow]);

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

  const validate = async () => {
    setBusy("validate");
    setNotice(null);
    try {
      const result = await validation.mutateAsync({ definition: toDefinition(draft) });
      setIssueList(result.issues);
      setNotice(
        result.valid
          ? { tone: "success", text: "The workflow is valid." }
          : { tone: "error", text: problemsText(result.issues.length) },
      );
    } catch (error) {
      setNotice({ tone: "error", text: toApiError(error).message });
    } finally {
      setBusy(null);
    }
  };

  // Leaving the page (reload, close) with unsaved changes asks first.
  useEffect(() => {
    if (!dirty || !editable) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty, editable]);

  // Once problems are shown, each edit checks again (debounced), so fixed ones disappear as they are fixed.
  const showingIssues = issueList.length > 0;
  useEffect(() => {
    if (!showingIssues) return;
    let stale = false;
    const timer = setTimeout(() => {
      validation
        .mutateAsync({ definition: toDefinition(draft) })
        .then((result) => {
          if (stale) return; // edited again meanwhile: the next check answers
          setIssueList(result.issues);
          if (result.valid) setNotice({ tone: "success", text: "All problems fixed." });
        })
        .catch(() => {}); // the next edit or Save reports for real
    }, 700);
    return () => {
      clearTimeout(timer);
      stale = true;
    };
  }, [draft, showingIssues, validation.mutateAsync]);

  const save = async () => {
    setBusy("save");
    setNotice(null);
    try {
      const saved = await saving.mutateAsync({
        ...(workflow ? { id: workflow.id } : {}),
        definition: toDefinition(draft),
      });
      setIssueList([]);
      setSavedDraft(draft);
      setNotice({ tone: "success", text: `Saved as version ${saved.version}.` });
      onSaved(saved, workflow === null);
    } catch (error) {
      const apiError = toApiError(error);
      setIssueList(apiError.issues);
      setNotice({
        tone: "error",
        text:
          apiError.issues.length > 0
            ? `Not saved: ${problemsText(apiError.issues.length).toLowerCase()}`
            : `Not saved: ${apiError.message}`,
      });
    } finally {
      setBusy(null);
    }
  };

  const runNow = async () => {
    if (!workflow) return;
    setBusy("run");
    setNotice(null);
    try {
      const run = await starting.mutateAsync({ id: workflow.id });
      router.push(`/runs/${run.id}`);
    } catch (error) {
      setNotice({ tone: "error", text: `Could not start: ${toApiError(error).message}` });
      setBusy(null);
    }
  };

  const deleteWorkflow = async () => {
    if (!workflow) return;
    setBusy("delete");
    try {
      await deletion.mutateAsync({ id: workflow.id });
      router.push("/workflows");
    } catch (error) {
      setConfirmDelete(false);
      setNotice({ tone: "error", text: `Not deleted: ${toApiError(error).message}` });
      setBusy(null);
    }
  };

  const exportJson = async () => {
    if (!workflow) return;
    try {
      const json = await queryClient.fetchQuery(
        trpc.workflows.export.queryOptions({ id: workflow.id, version: workflow.version }),
      );
      downloadText(json, workflowFileName(workflow.name, workflow.version));
    } catch (error) {
      setNotice({ tone: "error", text: `Could not export: ${toApiError(error).message}` });
    }
  };

  const titleOf = (id: string) => {
    const node = draft.nodes.find((n) => n.id === id);
    return node ? describeNode(node, jobTitles).title : id;
  };
  const latest = workflow?.latestVersion ?? null;
  const fieldError = (path: string) =>
    issueList
      .filter((issue) => issue.path === path)
      .map((issue) => issue.message)
      .join(" ") || null;
  const nameError = fieldError("name");
  const descriptionError = fieldError("description");

  return (
    <>
      <PageHeader
        eyebrow={
          <>
            <Link href="/workflows">Workflows</Link>
            <span aria-hidden="true"> / </span>
            {workflow ? <span>version {workflow.version}</span> : <span>new</span>}
          </>
        }
        title={
          <span data-testid="workflow-title">
            {draft.name.trim() || (workflow ? workflow.name : "New workflow")}
          </span>
        }
        subtitle={
          workflow
            ? `Version ${workflow.version} of ${workflow.latestVersion}, saved by ${workflow.savedBy} ${formatDateTime(workflow.savedAt)}`
            : "Drag jobs onto the canvas and connect them: on success, on failure, always."
        }
        actions={
          <div className="button-row">
            {workflow && editable ? (
              <button
                type="button"
                className="button button--ghost"
                onClick={() => setConfirmDelete(true)}
                disabled={busy !== null}
              >
                Delete
              </button>
            ) : null}
            {workflow ? (
              <button type="button" className="button" onClick={exportJson}>
                <Icon name="download" />
                Export
              </button>
            ) : null}
            {workflow && !readOnly && user.role !== "viewer" ? (
              <button
                type="button"
                className="button button--primary"
                onClick={runNow}
                disabled={busy !== null || dirty}
                title={dirty ? "Save your changes first: runs use the saved version" : undefined}
              >
                <Icon name="run" />
                {busy === "run" ? "Starting…" : "Run now"}
              </button>
            ) : null}
          </div>
        }
      />
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete “${workflow?.name ?? ""}”?`}
        confirmLabel={busy === "delete" ? "Deleting…" : "Delete workflow"}
        busy={busy === "delete"}
        onConfirm={deleteWorkflow}
        onCancel={() => setConfirmDelete(false)}
      >
        <p>
          It leaves the list and can no longer be run. Its versions stay, so past runs still show
          their steps.
        </p>
      </ConfirmDialog>
      {workflow?.deletedAt ? (
        <div className="notice notice--warning" role="status">
          <p className="notice__title">Deleted {formatDateTime(workflow.deletedAt)}</p>
          <p>
            Its versions are kept for the runs that used them; it can no longer be run or edited.
          </p>
        </div>
      ) : readOnly && workflow ? (
        <div className="notice notice--info" role="status">
          <p className="notice__title">Version {workflow.version} (read only)</p>
          <p>
            Runs started now use version {latest}.{" "}
            <Link href={`/workflows/${workflow.id}`}>Open the latest version</Link> to edit.
          </p>
        </div>
      ) : null}
      {notice ? (
        <div
          className={`notice notice--${notice.tone}`}
          role={notice.tone === "error" ? "alert" : "status"}
          data-testid="workflow-notice"
        >
          {notice.text}
        </div>
      ) : null}

      <div className={styles.meta}>
        <Field id="workflow-name" label="Name" error={nameError}>
          {(control) => (
            <input
              {...control}
              type="text"
              maxLength={200}
              value={draft.name}
              readOnly={!editable}
              onChange={(event) => {
                const name = event.target.value;
                history.change((d) => ({ ...d, name }), "name");
              }}
            />
          )}
        </Field>
        <Field id="workflow-description" label="Description" error={descriptionError}>
          {(control) => (
            <input
              {...control}
              type="text"
              maxLength={5000}
              value={draft.description}
              readOnly={!editable}
              placeholder="What the workflow is for"
              onChange={(event) => {
                const description = event.target.value;
                history.change((d) => ({ ...d, description }), "description");
              }}
            />
          )}
        </Field>
      </div>

      <div className={styles.toolbar} role="toolbar" aria-label="Workflow editor">
        {editable ? (
          <>
            <button
              type="button"
              className="button button--small"
              onClick={history.undo}
              disabled={!history.canUndo}
              title="Undo (Ctrl+Z)"
            >
              ↶ Undo
            </button>
            <button
              type="button"
              className="button button--small"
              onClick={history.redo}
              disabled={!history.canRedo}
              title="Redo (Ctrl+Shift+Z)"
            >
              ↷ Redo
            </button>
            <span className={styles.toolbarGap} />
          </>
        ) : null}
        {editable ? (
          <button
            type="button"
            className="button button--small"
            onClick={autoLayout}
            disabled={busy !== null || draft.nodes.length === 0}
          >
            Auto-layout
          </button>
        ) : null}
        <button
          type="button"
          className="button button--small"
          onClick={() => void flow.fitView({ padding: 0.1, maxZoom: 1.2 })}
        >
          Zoom to fit
        </button>
        <span className={styles.toolbarSpacer} />
        {dirty && editable ? <span className="muted small">Unsaved changes</span> : null}
        <button
          type="button"
          className="button button--small"
          onClick={validate}
          disabled={busy !== null}
        >
          <Icon name="check" size={14} />
          {busy === "validate" ? "Validating…" : "Validate"}
        </button>
        {editable ? (
          <button
            type="button"
            className="button button--primary button--small"
            onClick={save}
            disabled={busy !== null || (!dirty && workflow !== null)}
          >
            {busy === "save" ? "Saving…" : "Save"}
          </button>
        ) : null}
      </div>

      <div className={editable ? styles.editor : `${styles.editor} ${styles.editorReadOnly}`}>
        {editable ? <JobPalette jobs={jobs} onAdd={addAtCentre} /> : null}
        {/* biome-ignore lint/a11y/noStaticElementInteractions: the palette's drop target; the palette's + buttons add without dragging */}
        <div
          ref={canvasRef}
          className={styles.canvas}
          onDragOver={(event) => {
            if (!editable || !event.dataTransfer.types.includes(paletteMime)) return;
            event.preventDefault();
            event.dataTransfer.dropEffect = "move";
          }}
          onDrop={onDrop}
          data-testid="workflow-canvas"
        >
          <ReactFlow<WorkflowFlowNode>
            nodes={rfNodes}
            edges={edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onPaneClick={() => setSelectedEdgeId(null)}
            nodesDraggable={editable}
            nodesConnectable={editable}
            elementsSelectable
            deleteKeyCode={editable ? ["Backspace", "Delete"] : null}
            // A blank canvas keeps its viewport: the first drop must not move the view under the pointer.
            fitView={initialDraft.nodes.length > 0}
            fitViewOptions={{ padding: 0.1, maxZoom: 1.2 }}
            minZoom={0.2}
            maxZoom={2}
            snapToGrid
            snapGrid={[8, 8]}
            proOptions={{ hideAttribution: true }}
          >
            <Background variant={BackgroundVariant.Dots} gap={16} size={1} />
            <Controls showInteractive={false} position="bottom-right" />
          </ReactFlow>
          {draft.nodes.length === 0 ? (
            <div className={styles.canvasEmpty}>
              <p className={styles.canvasEmptyTitle}>Drop a job here to start</p>
              <p>The first step is the one no edge leads to.</p>
            </div>
          ) : null}
        </div>
        <aside className={styles.side} aria-label="Selection">
          {issues.all.length > 0 ? (
            <section className={styles.issuesPanel} aria-labelledby="issues-title">
              <h2 id="issues-title" className={styles.sideTitle}>
                {problemsText(issues.all.length)}
              </h2>
              <ul className={styles.issueLinks} data-testid="workflow-issues">
                {issues.all.map((issue) => {
                  const [root, id] = issue.path.split(".");
                  const onNode = root === "nodes" && id && issues.byNode.has(id);
                  const onEdge = root === "edges" && id && issues.byEdge.has(id);
                  return (
                    <li key={`${issue.path}:${issue.message}`}>
                      {onNode || onEdge ? (
                        <button
                          type="button"
                          className={styles.issueLink}
                          onClick={() => (onNode ? selectNode(id) : selectEdge(id ?? null))}
                        >
                          <code>{issue.path}</code>
                        </button>
                      ) : (
                        <code>{issue.path || "workflow"}</code>
                      )}{" "}
                      {issue.message}
                    </li>
                  );
                })}
              </ul>
            </section>
          ) : null}
          {selectedNode ? (
            <NodeInspector
              key={selectedNode.id}
              node={selectedNode}
              issues={issues.byNode.get(selectedNode.id) ?? []}
              readOnly={!editable}
              onChange={(node, group) =>
                history.change((d) => updateNode(d, node.id, () => node), `${group}:${node.id}`)
              }
              onDelete={() => history.change((d) => removeElements(d, [selectedNode.id], []))}
            />
          ) : selectedEdge ? (
            <EdgeInspector
              key={selectedEdge.id}
              edge={selectedEdge}
              fromTitle={titleOf(selectedEdge.from)}
              toTitle={titleOf(selectedEdge.to)}
              issues={issues.byEdge.get(selectedEdge.id) ?? []}
              readOnly={!editable}
              onChange={(on) => history.change((d) => updateEdge(d, selectedEdge.id, { on }))}
              onDelete={() => {
                history.change((d) => removeElements(d, [], [selectedEdge.id]));
                setSelectedEdgeId(null);
              }}
            />
          ) : (
            <section className={styles.inspector}>
              <h2 className={styles.sideTitle}>How it works</h2>
              <ul className={styles.helpList}>
                <li>Drag a job from the left onto the canvas.</li>
                <li>Drag from a step's lower handle to another step to connect them.</li>
                <li>Select a step for its parameters and set, an edge for when it is followed.</li>
                <li>A step whose outcome has no edge ends the workflow.</li>
              </ul>
            </section>
          )}
          {workflow && versions.length > 0 ? (
            <section className={styles.inspector} aria-labelledby="versions-title">
              <h2 id="versions-title" className={styles.sideTitle}>
                Versions
              </h2>
              <ol className={styles.versionList}>
                {versions.map((v) => (
                  <li key={v.version}>
                    {v.version === workflow.version ? (
                      <strong>v{v.version}</strong>
                    ) : (
                      <Link
                        href={
                          v.version === workflow.latestVersion
                            ? `/workflows/${workflow.id}`
                            : `/workflows/${workflow.id}?version=${v.version}`
                        }
                      >
                        v{v.version}
                      </Link>
                    )}{" "}
                    <span className="muted small">
                      {v.savedBy}, {formatDateTime(v.savedAt)}
                      {v.version === workflow.latestVersion ? " · latest" : ""}
                    </span>
                  </li>
                ))}
              </ol>
            </section>
          ) : null}
        </aside>
      </div>
    </>
  );
}

function problemsText(count: number): string {
  return count === 1 ? "1 problem to fix" : `${count} problems to fix`;
}
