import { describe, expect, it } from "vitest";
import { formatDueTime } from "../app/_components/schedules/scheduleTime.ts";
import { describeEvent, eventKind } from "../app/_lib/describeEvent.ts";
import {
  formatCreator,
  formatDuration,
  formatScheduleTime,
  formatStateValue,
} from "../app/_lib/formatters.ts";
import type { RunEventView } from "../app/_lib/trpcClient.ts";

describe("the designer's words for time, creators and states", () => {
  it("says durations in words, their two largest units", () => {
    expect(formatDuration(125_000)).toBe("2 minutes 5 seconds");
    expect(formatDuration(3_600_000 + 5_000)).toBe("1 hour");
    expect(formatDuration(2 * 86_400_000 + 3 * 3_600_000)).toBe("2 days 3 hours");
    expect(formatDuration(1_000)).toBe("1 second");
    expect(formatDuration(400)).toBe("less than a second");
  });

  it("shows a schedule's due time on its own clock, naming the zone and the viewer's time when they differ", () => {
    const due = "2026-12-09T12:15:00Z";
    const there = formatDueTime(due, "America/New_York", "Europe/London");
    expect(there).toMatch(/^Wednesday, 9 December 2026 at 07:15 New York time \(.+ your time\)$/);
    expect(formatDueTime(due, "America/New_York", "America/New_York")).toBe(
      "Wednesday, 9 December 2026 at 07:15",
    );
  });

  it("adds a schedule's own clock only when its zone is not the viewer's", () => {
    const at = "2025-12-09T12:15:00.000Z";
    const here = formatScheduleTime(at, "America/New_York", "America/New_York");
    expect(here).not.toContain("(");
    const away = formatScheduleTime(at, "America/New_York", "Europe/Berlin");
    expect(away.startsWith(here)).toBe(true);
    expect(away).toMatch(/\(7:15\s?AM New York time\)$/);
  });

  it("shows the system as System and hides internal ids of who started a run", () => {
    expect(formatCreator("local")).toBe("System");
    expect(formatCreator("schedule:0b5e2c1a-0000-4000-8000-000000000000")).toBe("a schedule");
    expect(formatCreator("ada")).toBe("ada");
  });

  it("names the engine's own states and parallel states in words, not JSON", () => {
    expect(formatStateValue("__completed")).toBe("completed");
    expect(formatStateValue({ export: "writing" })).toBe("export.writing");
    expect(formatStateValue({ a: "x", b: { c: "y" } })).toBe("a.x and b.c.y");
  });

  it("writes a log line's details as name: value and labels entries in words", () => {
    const event = {
      id: "1",
      runId: "r",
      at: "2026-12-07T04:00:00.000Z",
      type: "log",
      data: { level: "info", message: "Scanned", data: { step: "scan", count: 1200, ok: true } },
    } as RunEventView;
    expect(describeEvent(event)).toBe("[scan] Scanned (count: 1,200, ok: true)");
    expect(
      eventKind({ ...event, type: "transition", data: { event: "x", value: "a" } } as RunEventView),
    ).toBe("step");
  });
});
