import Link from "next/link";
import { formatDateTime } from "../../_lib/formatters.ts";
import { EdgeInspector } from "./EdgeInspector.tsx";
import { NodeInspector } from "./NodeInspector.tsx";
import type { Undoable } from "./useUndoable.ts";
import { problemsText } from "./useWorkflowActions.ts";
import type { useWorkflowCanvas } from "./useWorkflowCanvas.ts";
import {
  type placeIssues,
  removeElements,
  updateEdge,
  updateNode,
  type WorkflowDetailView,
  type WorkflowDraft,
} from "./workflowDraft.ts";
import { describeNode } from "./workflowFlow.ts";
import styles from "./workflows.module.css";

type VersionView = { readonly version: number; readonly savedBy: string; readonly savedAt: string };

/**
 * The side panel: the problems found (each a link to the node or edge at
 * fault), the selected step's or edge's inspector (or how the editor works),
 * and the workflow's versions.
 */
export function WorkflowSidePanel({
  workflow,
  versions,
  history,
  editable,
  issues,
  jobTitles,
  canvas,
}: {
  readonly workflow: WorkflowDetailView | null;
  readonly versions: readonly VersionView[];
  readonly history: Undoable<WorkflowDraft>;
  readonly editable: boolean;
  readonly issues: ReturnType<typeof placeIssues>;
  readonly jobTitles: ReadonlyMap<string, string>;
  readonly canvas: ReturnType<typeof useWorkflowCanvas>;
}) {
  const draft = history.value;
  const { selectedNode, selectedEdge, selectNode, selectEdge } = canvas;
  const titleOf = (id: string) => {
    const node = draft.nodes.find((n) => n.id === id);
    return node ? describeNode(node, jobTitles).title : id;
  };
  return (
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
                      title={issue.path}
                      onClick={() => (onNode ? selectNode(id) : selectEdge(id ?? null))}
                    >
                      {onNode ? `Step ${titleOf(id)}` : "Connection"}
                    </button>
                  ) : (
                    <span title={issue.path}>{generalWords[issue.path] ?? "The workflow"}</span>
                  )}
                  : {issue.message}
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
            canvas.clearEdgeSelection();
          }}
        />
      ) : !editable ? (
        // Read only: how to look at it, not how to change it.
        <section className={styles.inspector}>
          <h2 className={styles.sideTitle}>How it works</h2>
          <ul className={styles.helpList}>
            <li>Select a step for its parameters and set, an edge for when it is followed.</li>
            <li>A step whose outcome has no edge ends the workflow.</li>
          </ul>
        </section>
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
  );
}

/** The workflow's own fields, as its form names them. */
const generalWords: Readonly<Record<string, string>> = { name: "Name", description: "Description" };
