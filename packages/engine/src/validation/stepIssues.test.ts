import { describe, expect, it } from "vitest";
import { stepIssueSentences, stepTitles } from "./stepIssues.ts";

const jobTitles: Record<string, string> = { "examples.greet": "Greet", "fixtures.noop": "Nothing" };
const titleOf = (jobId: string) => jobTitles[jobId];

describe("stepIssueSentences", () => {
  it("names each step by its title instead of its path", () => {
    const definition = {
      nodes: [
        { id: "greet", kind: "job", jobId: "examples.greet" },
        { id: "pause", kind: "delay", durationMs: 5 },
        { id: "mystery", kind: "job", jobId: "gone.job" },
      ],
    };
    expect(
      stepIssueSentences(
        [
          { path: "nodes.greet.params.name", message: "Enter who to greet" },
          { path: "nodes.pause.durationMs", message: "Enter a whole number of at least 1" },
          { path: "nodes.mystery.jobId", message: 'Unknown job "gone.job"' },
          { path: "edges.e3", message: "This edge closes a cycle" },
          { path: "name", message: "Required" },
        ],
        stepTitles(definition, titleOf),
      ),
    ).toBe(
      "Step Greet: Enter who to greet; Step Delay (delay): Enter a whole number of at least 1; " +
        'Step mystery (job): Unknown job "gone.job"; Arrow e3: This edge closes a cycle; name: Required',
    );
  });

  it("tells two steps of one job apart and counts what it leaves out", () => {
    const definition = {
      nodes: [
        { id: "first", kind: "job", jobId: "examples.greet" },
        { id: "second", kind: "job", jobId: "examples.greet" },
      ],
    };
    const issues = ["first", "second", "second"].map((id) => ({
      path: `nodes.${id}.params.name`,
      message: "Enter who to greet",
    }));
    expect(stepIssueSentences(issues, stepTitles(definition, titleOf), 2)).toBe(
      "Step Greet (first): Enter who to greet; Step Greet (second): Enter who to greet (and 1 more)",
    );
  });

  it("reads a definition too broken to have steps", () => {
    const titles = stepTitles({ nodes: "not a list" }, titleOf);
    expect(stepIssueSentences([{ path: "nodes.x.params.a", message: "Enter a" }], titles)).toBe(
      "Step x: Enter a",
    );
  });
});
