import { describe, expect, it } from "vitest";
import { describeEvent } from "../app/_lib/describeEvent.ts";
import type { RunEventView } from "../app/_lib/trpcClient.ts";
import { toMilestone } from "../app/runs/[id]/runMilestones.ts";

type Kind = RunEventView["type"];
type DataOf<K extends Kind> = Extract<RunEventView, { type: K }>["data"];

/** One event of every kind, with the data the engine writes for it (a kind left out does not compile). */
const samples = {
  transition: { event: "xstate.done.actor.scan", value: { changing: "items" } },
  log: { level: "info", message: "Scanned 3 items", data: { step: "scan", count: 3 } },
  progress: { done: 40, total: 100 },
  status: { status: "finalizing", files: ["report.csv", "errors.csv"] },
  population: { members: 1200 },
  started: { activation: 1, worker: "w-1" },
  resumed: { activation: 2, worker: "w-2" },
  waiting: { kind: "queued", reason: "Waiting for a free slot: 4 of 4 runs are executing" },
  parked: { until: "2026-12-07T05:00:00.000Z" },
  suspended: { until: "2026-12-07T06:00:00.000Z", reason: "Waiting for event items.returned" },
  "awaiting-parts": {},
  released: { reason: "The worker is shutting down; another worker resumes the run." },
  retried: { by: "alice", error: { message: "Catalog unreachable" }, state: "changing" },
  upgraded: { from: "a1b2c3d4e5f60718", to: "c3d4e5f607182930", states: { parked: "waiting" } },
  restarted: { by: "ada", from: "a1b2c3d4e5f60718", to: "c3d4e5f607182930" },
  "abort-requested": { by: "bob" },
} satisfies { [K in Kind]: DataOf<K> };

function eventOf<K extends Kind>(type: K): RunEventView {
  return {
    id: "1",
    runId: "r",
    at: "2026-12-07T04:00:00.000Z",
    type,
    data: samples[type],
  } as RunEventView;
}

const kinds = Object.keys(samples) as Kind[];

describe("the designer's words for run events", () => {
  it("describes every kind in words, never as raw JSON", () => {
    for (const kind of kinds) {
      const sentence = describeEvent(eventOf(kind));
      expect(sentence, kind).not.toMatch(/^\{|\[object Object\]|undefined/);
    }
  });

  it("says what a run waits for, when it sleeps, who retried it", () => {
    expect(describeEvent(eventOf("waiting"))).toBe(
      "Waiting: Waiting for a free slot: 4 of 4 runs are executing",
    );
    expect(describeEvent(eventOf("suspended"))).toMatch(
      /^Sleeping until .*2026.*: Waiting for event items\.returned$/,
    );
    expect(describeEvent(eventOf("parked"))).toMatch(/^Sleeping until .*2026/);
    expect(describeEvent(eventOf("awaiting-parts"))).toMatch(/^Waiting for its parts/);
    expect(describeEvent(eventOf("retried"))).toBe("Retried by alice, after: Catalog unreachable");
    expect(describeEvent(eventOf("resumed"))).toMatch(/^Resumed .* worker w-2/);
    expect(describeEvent(eventOf("released"))).toMatch(/^Handed over to another worker: /);
    expect(describeEvent(eventOf("status"))).toBe("finalizing — writing report.csv, errors.csv");
    expect(describeEvent(eventOf("upgraded"))).toBe(
      "Upgraded from version a1b2 to c3d4 of its job (states moved: parked → waiting)",
    );
    expect(describeEvent(eventOf("restarted"))).toBe(
      "Started again from the beginning by ada, on version c3d4 (it had started on a1b2)",
    );
  });

  it("puts the steps of a run's life on its timeline, and not its chatter", () => {
    const onTimeline = kinds.filter((kind) => toMilestone(eventOf(kind)) !== null);
    expect(onTimeline.sort()).toEqual(
      kinds.filter((kind) => !["log", "progress", "population"].includes(kind)).sort(),
    );
    expect(toMilestone(eventOf("waiting"))).toMatchObject({
      title: "waiting",
      detail: "Waiting for a free slot: 4 of 4 runs are executing",
    });
    expect(toMilestone(eventOf("awaiting-parts"))).toMatchObject({
      title: "waiting for its parts",
    });
    expect(toMilestone(eventOf("retried"))).toMatchObject({ title: "retried", detail: "by alice" });
  });
});
