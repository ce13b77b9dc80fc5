"use client";

import { Background, BackgroundVariant, Controls, ReactFlow } from "@xyflow/react";
import { useMemo, useState } from "react";
import { mayChange } from "../../_lib/institutions.ts";
import type { JobSummary, RouterOutputs } from "../../_lib/trpcClient.ts";
import { useSession } from "../AuthProvider.tsx";
import { JobPalette, paletteMime } from "./JobPalette.tsx";
import { OutcomeEdge } from "./OutcomeEdge.tsx";
import { useUndoable } from "./useUndoable.ts";
import { type SavedWorkflow, useWorkflowActions } from "./useWorkflowActions.ts";
import { useWorkflowCanvas } from "./useWorkflowCanvas.ts";
import { WorkflowEditorHeader } from "./WorkflowEditorHeader.tsx";
import { type WorkflowFlowNode, WorkflowNodeBox } from "./WorkflowNodeBox.tsx";
import { WorkflowSidePanel } from "./WorkflowSidePanel.tsx";
import { WorkflowToolbar } from "./WorkflowToolbar.tsx";
import {
  placeIssues,
  toDefinition,
  type WorkflowDetailView,
  type WorkflowDraft,
} from "./workflowDraft.ts";
import styles from "./workflows.module.css";

type VersionView = RouterOutputs["workflows"]["versions"][number];

interface WorkflowCanvasEditorProps {
  readonly workflow: WorkflowDetailView | null;
  readonly initialDraft: WorkflowDraft;
  readonly versions: readonly VersionView[];
  readonly jobs: readonly JobSummary[] | undefined;
  readonly readOnly: boolean;
  /** Whether the user's role may save workflows; others see it read only, with a note. */
  readonly canSave: boolean;
  /** After a save; `created` for a workflow saved for the first time. */
  readonly onSaved: (saved: SavedWorkflow, created: boolean) => void;
}

const nodeTypes = { workflowNode: WorkflowNodeBox };
const edgeTypes = { outcome: OutcomeEdge };

/**
 * The canvas editor: palette, React Flow canvas, side panel, toolbar (undo,
 * redo, auto-layout, fit, validate, save, run, export). Validation issues are
 * drawn on the node or edge at fault and listed in the side panel. The canvas
 * (useWorkflowCanvas) and the server calls (useWorkflowActions) are hooks of
 * their own; the header, toolbar and side panel are components.
 */
export function WorkflowCanvasEditor({
  workflow,
  initialDraft,
  versions,
  jobs,
  readOnly,
  canSave,
  onSaved,
}: WorkflowCanvasEditorProps) {
  const { user } = useSession();
  const history = useUndoable<WorkflowDraft>(initialDraft);
  const draft = history.value;
  const [savedDraft, setSavedDraft] = useState(initialDraft);
  // Viewers and the network role change nothing, whatever the server's editor roles say.
  const editable = !readOnly && canSave && mayChange(user);
  const dirty = useMemo(
    () => JSON.stringify(toDefinition(draft)) !== JSON.stringify(toDefinition(savedDraft)),
    [draft, savedDraft],
  );
  const jobTitles = useMemo(
    () => new Map((jobs ?? []).map((job) => [job.id, job.title] as const)),
    [jobs],
  );

  const actions = useWorkflowActions({
    workflow,
    draft,
    dirty,
    editable,
    onSaved: (saved, savedAs, created) => {
      setSavedDraft(savedAs);
      onSaved(saved, created);
    },
  });
  const issues = useMemo(() => placeIssues(actions.issueList, draft), [actions.issueList, draft]);
  const canvas = useWorkflowCanvas({
    history,
    initialDraft,
    editable,
    jobTitles,
    issues,
    onLaidOut: setSavedDraft,
    setBusy: actions.setBusy,
  });

  return (
    <>
      <WorkflowEditorHeader
        workflow={workflow}
        draft={draft}
        editable={editable}
        readOnly={readOnly}
        canRun={!readOnly && mayChange(user)}
        dirty={dirty}
        actions={actions}
      />
      <WorkflowToolbar
        workflow={workflow}
        history={history}
        editable={editable}
        dirty={dirty}
        flow={canvas.flow}
        autoLayout={canvas.autoLayout}
        actions={actions}
      />

      <div className={editable ? styles.editor : `${styles.editor} ${styles.editorReadOnly}`}>
        {editable ? (
          // A network-level job runs in the Network Zone only: not offered in a member's workflow.
          <JobPalette jobs={jobs?.filter((job) => job.runsHere)} onAdd={canvas.addAtCentre} />
        ) : null}
        {/* biome-ignore lint/a11y/noStaticElementInteractions: the palette's drop target; the palette's + buttons add without dragging */}
        <div
          ref={canvas.canvasRef}
          className={styles.canvas}
          onDragOver={(event) => {
            if (!editable || !event.dataTransfer.types.includes(paletteMime)) return;
            event.preventDefault();
            event.dataTransfer.dropEffect = "move";
          }}
          onDrop={canvas.onDrop}
          data-testid="workflow-canvas"
        >
          <ReactFlow<WorkflowFlowNode>
            aria-label="Workflow canvas: its steps and the edges between them"
            nodes={canvas.rfNodes}
            edges={canvas.edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            onNodesChange={canvas.onNodesChange}
            onEdgesChange={canvas.onEdgesChange}
            onConnect={canvas.onConnect}
            onPaneClick={canvas.clearEdgeSelection}
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
        <WorkflowSidePanel
          workflow={workflow}
          versions={versions}
          history={history}
          editable={editable}
          issues={issues}
          jobTitles={jobTitles}
          canvas={canvas}
        />
      </div>
    </>
  );
}
