"use client";

import { useMemo } from "react";
import { MachineGraph } from "../../_components/graph/MachineGraph.tsx";
import { endState } from "../../_lib/runStatus.ts";
import { activeStateIds, leafStateIds } from "../../_lib/stateNodes.ts";
import type { JobDetail, RunEventView, RunView } from "../../_lib/trpcClient.ts";

interface RunGraphProps {
  readonly graph: JobDetail["graph"];
  readonly run: Pick<RunView, "status" | "stateValue" | "error">;
  readonly events: readonly RunEventView[];
}

/** The root state's id, which prefixes every node id (`changePolicy.changing`). */
function rootId(graph: JobDetail["graph"]): string {
  return graph.nodes.find((node) => node.parentId === null)?.id ?? "";
}

/** Every state the run has been in, from its transitions. */
export function visitedStateIds(
  graph: JobDetail["graph"],
  events: readonly RunEventView[],
): string[] {
  const root = rootId(graph);
  const visited = new Set<string>();
  for (const event of events) {
    if (event.type !== "transition") continue;
    const value = (event.data as { value?: unknown } | null)?.value;
    for (const id of activeStateIds(root, value)) visited.add(id);
  }
  return [...visited];
}

/**
 * The job's machine with the run's current state highlighted and the states it
 * passed through marked; a failed run's state is marked where it failed (its
 * error's state), an aborted run's where it was stopped, neither as current.
 */
export function RunGraph({ graph, run, events }: RunGraphProps) {
  const root = rootId(graph);
  const endedBadly = run.status === "failed" || run.status === "aborted";
  const current = endedBadly ? [] : activeStateIds(root, run.stateValue);
  const stoppedIn = endedBadly ? leafStateIds(root, endState(run)) : [];
  const visited = useMemo(() => visitedStateIds(graph, events), [graph, events]);
  return (
    <div
      className="run-graph"
      data-testid="run-graph"
      data-current={current.join(" ")}
      data-stopped={stoppedIn.join(" ")}
    >
      <MachineGraph
        graph={graph}
        currentState={current}
        visitedStates={visited}
        {...(endedBadly
          ? {
              stoppedStates: {
                ids: stoppedIn,
                how: run.status === "failed" ? "failed" : "aborted",
              },
            }
          : {})}
        label="The run's state machine"
        height={260}
      />
    </div>
  );
}
