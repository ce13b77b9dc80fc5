import { describe, expect, it } from "vitest";
import {
  composeRunMessage,
  failuresInMessage,
  notificationKindOf,
  type RunMessageInput,
} from "./composeRunMessage.ts";
import { notificationRetryDelayMs } from "./notificationSender.ts";

const runId = "1234abcd-5678-4000-8000-000000000001";
const base: RunMessageInput = {
  runId,
  jobId: "items.change-policy",
  jobTitle: "Change item policy",
  status: "failed",
  description: null,
  createdBy: "ana",
  trigger: { kind: "manual" },
  scheduleName: null,
  error: { message: "The record is gone; retrying cannot help", state: "trying" },
  report: null,
  createdAt: new Date("2026-11-21T10:00:00Z"),
  startedAt: new Date("2026-11-21T10:00:01Z"),
  endedAt: new Date("2026-11-21T10:00:03.500Z"),
  publicUrl: "https://docket.example.org/",
};

describe("composeRunMessage", () => {
  it("names the status, job and short run id in the subject", () => {
    expect(composeRunMessage(base).subject).toBe(
      "[Docket] Failed: Change item policy (run 1234abcd)",
    );
    expect(composeRunMessage({ ...base, status: "completed_with_errors" }).subject).toBe(
      "[Docket] Completed with errors: Change item policy (run 1234abcd)",
    );
  });

  it("gives the job, status, duration, error and a link to the run in the body", () => {
    const { body } = composeRunMessage(base);
    expect(body).toContain("Failed: Change item policy (items.change-policy)");
    expect(body).toMatch(/^Status: +failed$/m);
    expect(body).toMatch(/^Duration: +2\.5 s$/m);
    expect(body).toMatch(/^Error: +The record is gone; retrying cannot help$/m);
    expect(body).toMatch(/^In state: +"trying"$/m);
    expect(body).toContain(`Open the run: https://docket.example.org/runs/${runId}`);
    expect(body).not.toContain("Records");
  });

  it("lists the report's counts and at most ten failed records, with their reasons", () => {
    const failures = Array.from({ length: 25 }, (_, i) => ({
      memberId: String(1000 + i),
      outcome: i === 0 ? "skipped" : "failed",
      reason: `Policy X not allowed at\nlocation ${i}`,
    }));
    const { body } = composeRunMessage({
      ...base,
      status: "completed_with_errors",
      error: null,
      report: {
        total: 200,
        processed: 200,
        changed: 170,
        unchanged: 5,
        failed: 24,
        skipped: 1,
        durationMs: 61_000,
        failures,
        files: [],
      },
      trigger: { kind: "schedule", scheduleId: "5a4c9d56-0000-4000-8000-000000000000" },
      scheduleName: "Nightly",
    });
    expect(body).toMatch(
      /^Records: +200 of 200 processed: 170 changed, 5 unchanged, 24 failed, 1 skipped$/m,
    );
    expect(body).toMatch(/^Duration: +1 min$/m);
    expect(body).toMatch(/^Trigger: +schedule "Nightly" \(5a4c9d56-/m);
    expect(body).toContain(
      `Records that failed or were skipped (first ${failuresInMessage} of 25):`,
    );
    expect(body).toContain("  - 1000 (skipped): Policy X not allowed at location 0");
    expect(body).toContain("  - 1009 (failed): Policy X not allowed at location 9");
    expect(body).not.toContain("1010");
    expect(body).not.toContain("Error:");
  });
});

describe("notificationKindOf", () => {
  it("counts only `completed` as a success; errors, failures and aborts go to error subscribers", () => {
    expect(notificationKindOf("completed")).toBe("success");
    expect(notificationKindOf("completed_with_errors")).toBe("error");
    expect(notificationKindOf("failed")).toBe("error");
    expect(notificationKindOf("aborted")).toBe("error");
  });
});

describe("notificationRetryDelayMs", () => {
  it("doubles from 5 s and stops at 10 min", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(notificationRetryDelayMs)).toEqual([
      5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 600_000,
    ]);
  });
});
