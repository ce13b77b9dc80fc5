import { layoutGraph } from "../graph/elkLayout.ts";
import { nodeBoxSize } from "./WorkflowNodeBox.tsx";
import { type NodePosition, outcomeLabels, type WorkflowDraft } from "./workflowDraft.ts";

/**
 * Positions for every node, top to bottom in the order edges lead, by ELK's
 * layered layout (the one MachineGraph uses). `sizes` are the boxes as drawn,
 * when known; edge labels get room between layers.
 */
export async function layoutWorkflow(
  draft: Pick<WorkflowDraft, "nodes" | "edges">,
  sizes: ReadonlyMap<string, { width: number; height: number }> = new Map(),
): Promise<Map<string, NodePosition>> {
  const layout = await layoutGraph(
    draft.nodes.map((node) => ({
      id: node.id,
      parentId: null,
      width: sizes.get(node.id)?.width ?? nodeBoxSize.width,
      height: sizes.get(node.id)?.height ?? nodeBoxSize.height,
    })),
    draft.edges.map((edge) => ({
      id: edge.id,
      source: edge.from,
      target: edge.to,
      label: { text: outcomeLabels[edge.on], width: 80, height: 22 },
    })),
    { direction: "DOWN", nodeSpacing: 48, layerSpacing: 56 },
  );
  const positions = new Map<string, NodePosition>();
  for (const [id, place] of layout.nodes) positions.set(id, { x: place.x, y: place.y });
  return positions;
}

/** True when some node has no position yet (an imported or hand-written definition). */
export function needsLayout(draft: Pick<WorkflowDraft, "nodes">): boolean {
  return draft.nodes.some((node) => !node.position);
}
