import { describe, expect, it } from "vitest";
import {
  compareWithEstimate,
  describeEstimate,
  formatLikelyDuration,
} from "../app/_lib/formatEstimate.ts";

describe("a run's expected duration, in staff's words", () => {
  it("rounds a likely duration as people say it", () => {
    expect(formatLikelyDuration(20)).toBe("less than a minute");
    expect(formatLikelyDuration(70)).toBe("about a minute");
    expect(formatLikelyDuration(250)).toBe("about 4 minutes");
    expect(formatLikelyDuration(3 * 3600 + 600)).toBe("about 3 hours");
    expect(formatLikelyDuration(3 * 86_400)).toBe("about 3 days");
  });

  it("says on the review how long, for how many records, from how many runs, or why it cannot", () => {
    const estimate = { kind: "estimate", seconds: 240, recordsPerSecond: 50, fromRuns: 5 } as const;
    expect(describeEstimate(estimate, 12_000, "items")).toBe(
      "About 4 minutes for 12,000 items, from the last 5 runs.",
    );
    expect(describeEstimate({ ...estimate, fromRuns: 1 }, null, null)).toBe(
      "About 4 minutes, from the last run.",
    );
    expect(
      describeEstimate(
        { kind: "none", reason: "No recent runs of this job to estimate from" },
        10,
        "items",
      ),
    ).toBe("No recent runs of this job to estimate from.");
  });

  it("compares a run with its estimate before, while and after it runs", () => {
    expect(
      compareWithEstimate(240, { elapsedSeconds: null, ended: false, percentDone: null }),
    ).toBe("Expected about 4 minutes once it starts.");
    expect(compareWithEstimate(240, { elapsedSeconds: 130, ended: false, percentDone: 60 })).toBe(
      "Expected about 4 minutes; 2 minutes in, 60% done.",
    );
    expect(compareWithEstimate(240, { elapsedSeconds: 400, ended: false, percentDone: 90 })).toBe(
      "Expected about 4 minutes; 6 minutes in, 90% done. Slower than usual.",
    );
    expect(compareWithEstimate(240, { elapsedSeconds: 185, ended: true, percentDone: 100 })).toBe(
      "Expected about 4 minutes; it took 3 minutes.",
    );
    expect(compareWithEstimate(20, { elapsedSeconds: 0.4, ended: true, percentDone: 100 })).toBe(
      "Expected less than a minute; it took less than a second.",
    );
  });
});
