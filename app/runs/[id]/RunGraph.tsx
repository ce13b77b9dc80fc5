"use client";

import { useMemo } from "react";
import { MachineGraph } from "../../_components/graph/MachineGraph.tsx";
import { activeStateIds } from "../../_lib/stateNodes.ts";
import type { JobDetail, RunEventView } from "../../_lib/trpcClient.ts";

interface RunGraphProps {
  readonly graph: JobDetail["graph"];
  readonly stateValue: unknown;
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

/** The job's machine with the run's current state highlighted and the states it passed through marked. */
export function RunGraph({ graph, stateValue, events }: RunGraphProps) {
  const root = rootId(graph);
  const current = activeStateIds(root, stateValue);
  const visited = useMemo(() => visitedStateIds(graph, events), [graph, events]);
  return (
    <div className="run-graph" data-testid="run-graph" data-current={current.join(" ")}>
      <MachineGraph
        graph={graph}
        currentState={current}
        visitedStates={visited}
        label="The run's state machine"
        height={260}
      />
    </div>
  );
}
