import ELK, { type ElkExtendedEdge, type ElkNode } from "elkjs/lib/elk.bundled.js";

/** A box to place; `parentId` nests it inside a compound box (whose size ELK computes). */
export interface LayoutNodeInput {
  readonly id: string;
  readonly parentId: string | null;
  /** Size of a leaf box. Ignored for compound boxes (those with children). */
  readonly width: number;
  readonly height: number;
  /** Room above a compound box's children for its title. Default 0. */
  readonly headerHeight?: number;
}

export interface LayoutEdgeInput {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** The edge's label and its size, so the layout leaves room for it. */
  readonly label?: { readonly text: string; readonly width: number; readonly height: number };
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A placed box: position relative to its parent (React Flow's sub-flow convention). */
export interface PlacedNode {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A routed edge in the coordinates of the whole graph. */
export interface RoutedEdge {
  readonly points: readonly Point[];
  /** Centre of the label, when the edge has one. */
  readonly labelCenter: Point | null;
}

export interface GraphLayout {
  readonly nodes: ReadonlyMap<string, PlacedNode>;
  readonly edges: ReadonlyMap<string, RoutedEdge>;
}

export interface LayoutOptions {
  /** Flow direction. Default `RIGHT`. */
  readonly direction?: "RIGHT" | "DOWN";
  /** Space between boxes in a layer. Default 28. */
  readonly nodeSpacing?: number;
  /** Space between layers. Default 56. */
  readonly layerSpacing?: number;
}

let elk: InstanceType<typeof ELK> | null = null;

/**
 * Places boxes and routes edges with ELK's layered algorithm, compound boxes
 * included (hierarchy handled as one graph, so edges may cross levels). Edge
 * routes come back in root coordinates, boxes relative to their parent.
 */
export async function layoutGraph(
  nodes: readonly LayoutNodeInput[],
  edges: readonly LayoutEdgeInput[],
  options: LayoutOptions = {},
): Promise<GraphLayout> {
  elk ??= new ELK();
  const byId = new Map<string, ElkNode>();
  const root: ElkNode = {
    id: "__root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": options.direction ?? "RIGHT",
      "elk.hierarchyHandling": "INCLUDE_CHILDREN",
      "elk.json.edgeCoords": "ROOT",
      "elk.layered.spacing.nodeNodeBetweenLayers": String(options.layerSpacing ?? 56),
      "elk.spacing.nodeNode": String(options.nodeSpacing ?? 28),
      "elk.spacing.edgeLabel": "4",
      "elk.layered.spacing.edgeNodeBetweenLayers": "20",
      "elk.edgeLabels.inline": "true",
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
      "elk.padding": "[top=16,left=16,bottom=16,right=16]",
    },
    children: [],
    edges: [],
  };
  const hasChildren = new Set(nodes.flatMap((node) => (node.parentId ? [node.parentId] : [])));
  for (const node of nodes) {
    const compound = hasChildren.has(node.id);
    byId.set(node.id, {
      id: node.id,
      ...(compound ? {} : { width: node.width, height: node.height }),
      layoutOptions: compound
        ? {
            "elk.padding": `[top=${(node.headerHeight ?? 0) + 16},left=16,bottom=16,right=16]`,
            "elk.nodeSize.minimum": `(${node.width}, ${node.height})`,
            "elk.nodeSize.constraints": "MINIMUM_SIZE",
          }
        : {},
      children: [],
    });
  }
  for (const node of nodes) {
    const elkNode = byId.get(node.id);
    const parent = node.parentId ? byId.get(node.parentId) : root;
    if (elkNode) (parent ?? root).children?.push(elkNode);
  }
  root.edges = edges
    .filter((edge) => byId.has(edge.source) && byId.has(edge.target))
    .map(
      (edge): ElkExtendedEdge => ({
        id: edge.id,
        sources: [edge.source],
        targets: [edge.target],
        // ELK ignores labels without text: it would neither place them nor leave room for them.
        ...(edge.label
          ? {
              labels: [
                {
                  id: `${edge.id}:label`,
                  width: edge.label.width,
                  height: edge.label.height,
                  text: edge.label.text || " ",
                },
              ],
            }
          : {}),
      }),
    );

  const placed = await elk.layout(root);
  const nodePlaces = new Map<string, PlacedNode>();
  const visit = (node: ElkNode) => {
    for (const child of node.children ?? []) {
      nodePlaces.set(child.id, {
        x: child.x ?? 0,
        y: child.y ?? 0,
        width: child.width ?? 0,
        height: child.height ?? 0,
      });
      visit(child);
    }
  };
  visit(placed);

  const edgeRoutes = new Map<string, RoutedEdge>();
  for (const edge of placed.edges ?? []) {
    const points: Point[] = [];
    for (const section of edge.sections ?? []) {
      points.push(section.startPoint, ...(section.bendPoints ?? []), section.endPoint);
    }
    const label = edge.labels?.[0];
    edgeRoutes.set(edge.id, {
      points,
      labelCenter:
        label && label.x !== undefined && label.y !== undefined
          ? { x: label.x + (label.width ?? 0) / 2, y: label.y + (label.height ?? 0) / 2 }
          : null,
    });
  }
  return { nodes: nodePlaces, edges: edgeRoutes };
}

/** Rough width of a label in the graph's 13 px font, for sizing boxes before they render. */
export function textWidth(text: string, pxPerChar = 7.4): number {
  return Math.ceil(text.length * pxPerChar);
}

/** What a label is drawn in: size and weight, and whether in the page's monospace font. */
export interface TextStyle {
  readonly sizePx: number;
  readonly weight?: number;
  readonly mono?: boolean;
  /** Extra space between letters, in em (uppercase headings). */
  readonly letterSpacingEm?: number;
}

let measuringContext: CanvasRenderingContext2D | null | undefined;

/**
 * The width `text` takes in the browser, measured in the page's own fonts
 * (the --font and --mono of globals.css), so a box sized from it never cuts
 * its label; the rough estimate outside a browser. Rounded up.
 */
export function measureText(text: string, style: TextStyle): number {
  if (measuringContext === undefined) {
    measuringContext =
      typeof document === "undefined" ? null : document.createElement("canvas").getContext("2d");
  }
  const spacing = (style.letterSpacingEm ?? 0) * style.sizePx * text.length;
  if (!measuringContext) return textWidth(text, style.sizePx * 0.62) + spacing;
  const root = getComputedStyle(document.documentElement);
  const family = root.getPropertyValue(style.mono ? "--mono" : "--font").trim() || "sans-serif";
  measuringContext.font = `${style.weight ?? 400} ${style.sizePx}px ${family}`;
  return Math.ceil(measuringContext.measureText(text).width + spacing);
}
