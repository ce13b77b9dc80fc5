import type { FieldIssue } from "@docket/sdk";

/** What a workflow step is called for staff: its job's title, `Delay`, `Wait for event`. */
export type StepTitle = (nodeId: string) => string | undefined;

/**
 * Workflow issues as one line of sentences, each naming the step it is about
 * by its title: `Step Greet: Enter who to greet` rather than
 * `nodes.greet.params.name: …`. The issues keep their paths for programs.
 */
export function stepIssueSentences(
  issues: readonly FieldIssue[],
  stepTitle: StepTitle,
  limit = 5,
): string {
  const sentences = issues.slice(0, limit).map((issue) => stepIssueSentence(issue, stepTitle));
  const more = issues.length > limit ? ` (and ${issues.length - limit} more)` : "";
  return `${sentences.join("; ")}${more}`;
}

/** One issue: `Step Greet: Enter who to greet`, `Arrow e1: …`, or `name: …` for the workflow's own fields. */
export function stepIssueSentence(issue: FieldIssue, stepTitle: StepTitle): string {
  const [root, id, field] = issue.path.split(".");
  if (root === "nodes" && id !== undefined) {
    const title = stepTitle(id) ?? id;
    // A step's own setting (its set, its job) is named; its parameters speak for themselves.
    const setting = field && field !== "params" ? ` (${settingWords[field] ?? field})` : "";
    return `Step ${title}${setting}: ${issue.message}`;
  }
  if (root === "edges" && id !== undefined) return `Arrow ${id}: ${issue.message}`;
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

const settingWords: Readonly<Record<string, string>> = {
  setId: "set",
  jobId: "job",
  durationMs: "delay",
  timeoutMs: "time limit",
  eventName: "event",
};

interface StepNode {
  readonly id: string;
  readonly kind: string;
  readonly jobId?: string;
}

/**
 * Step titles of a definition's nodes (read leniently: the definition may be
 * the invalid one being refused); two steps of one job are told apart by their ids.
 */
export function stepTitles(
  definition: unknown,
  jobTitle: (jobId: string) => string | undefined,
): StepTitle {
  const raw = (definition as { nodes?: unknown } | null)?.nodes;
  const nodes = (Array.isArray(raw) ? raw : []).filter(
    (node): node is StepNode =>
      typeof node === "object" && node !== null && typeof node.id === "string",
  );
  const titles = new Map<string, string>();
  for (const node of nodes) {
    const title =
      node.kind === "job"
        ? (typeof node.jobId === "string" && jobTitle(node.jobId)) || node.id
        : node.kind === "delay"
          ? "Delay"
          : "Wait for event";
    titles.set(node.id, title);
  }
  const counts = new Map<string, number>();
  for (const title of titles.values()) counts.set(title, (counts.get(title) ?? 0) + 1);
  return (nodeId) => {
    const title = titles.get(nodeId);
    if (title === undefined) return undefined;
    return (counts.get(title) ?? 0) > 1 && title !== nodeId ? `${title} (${nodeId})` : title;
  };
}
