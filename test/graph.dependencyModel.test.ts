import { describe, expect, test } from "vitest";
import { buildDependencyModel } from "../app/_components/graph/dependencyModel.ts";

const job = (
  id: string,
  category: string,
  policy: Partial<{ conflictsWith: string[]; waitsFor: string[]; on: string[] }> = {},
) => ({
  id,
  title: id,
  category,
  conflictsWith: policy.conflictsWith ?? [],
  waitsFor: policy.waitsFor ?? [],
  on: policy.on ?? [],
});

describe("buildDependencyModel", () => {
  test("puts job types in their category and draws each conflict once, whichever side declares it", () => {
    const model = buildDependencyModel({
      jobs: [
        job("a.one", "Beta", { conflictsWith: ["b.two"] }),
        job("b.two", "Alpha", { conflictsWith: ["a.one"], waitsFor: ["a.one"] }),
      ],
    });
    expect(model.categories).toEqual(["Alpha", "Beta"]);
    expect(model.nodes.find((node) => node.id === "job:b.two")).toMatchObject({
      parentId: "category:Alpha",
      tone: 0,
      href: "/jobs/b.two",
    });
    expect(model.edges.map((edge) => [edge.kind, edge.source, edge.target])).toEqual([
      ["conflict", "job:a.one", "job:b.two"],
      ["waits", "job:b.two", "job:a.one"],
    ]);
  });

  test("shows a job type a policy names but no file defines, rather than dropping the edge", () => {
    const model = buildDependencyModel({ jobs: [job("a.one", "A", { waitsFor: ["gone.job"] })] });
    expect(model.nodes.find((node) => node.id === "job:gone.job")).toMatchObject({
      muted: true,
      detail: "not in the catalog",
      parentId: null,
    });
    expect(model.edges).toHaveLength(1);
  });

  test("adds events, schedules and workflows as their own nodes pointing at what they start", () => {
    const model = buildDependencyModel({
      jobs: [job("a.one", "A", { on: ["catalog.imported"] }), job("b.two", "A")],
      schedules: [
        {
          id: "s1",
          name: "Nightly",
          jobId: "a.one",
          workflowId: null,
          description: "Every day at 02:30 (UTC)",
          active: false,
        },
        {
          id: "s2",
          name: "Weekly flow",
          jobId: "workflow:w1",
          workflowId: "w1",
          description: "Every Monday at 06:00 (UTC)",
          active: true,
        },
      ],
      workflows: [{ id: "w1", name: "Import then link", jobIds: ["a.one", "b.two"] }],
    });
    const kinds = model.edges.map((edge) => `${edge.kind}:${edge.source}->${edge.target}`);
    expect(kinds).toEqual([
      "trigger:event:catalog.imported->job:a.one",
      "schedule:schedule:s1->job:a.one",
      "schedule:schedule:s2->workflow:w1",
      "workflow:workflow:w1->job:a.one",
      "workflow:workflow:w1->job:b.two",
    ]);
    expect(model.nodes.find((node) => node.id === "schedule:s1")).toMatchObject({
      muted: true,
      detail: "inactive · Every day at 02:30 (UTC)",
      href: "/schedules/s1",
    });
  });
});
