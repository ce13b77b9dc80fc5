import { defineJob, type JobUpgrade, step } from "@docket/sdk";
import { describe, expect, it } from "vitest";
import { createActor, setup } from "xstate";
import { z } from "zod";
import { createJobRegistry } from "../registry/jobRegistry.ts";
import { checkUpgrade } from "./versionUpgrade.ts";

const Params = z.object({});

/** A job whose machine waits in `waitState` on a step `wait`, then finishes; `extra` adds a state after it. */
function jobWith(
  waitState: string,
  options: { extra?: boolean; upgrades?: JobUpgrade[]; src?: string } = {},
) {
  const src = options.src ?? "waitForIt";
  const definition = defineJob({
    id: "demo.versions",
    title: "Versions",
    category: "Tests",
    description: "A machine that changes between versions.",
    params: Params,
    ...(options.upgrades ? { upgrades: options.upgrades } : {}),
    machine: setup({
      types: { input: {} as z.infer<typeof Params> },
      actors: {
        waitForIt: step(async () => null),
        waitLonger: step(async () => null),
        notify: step(async () => null),
      },
    }).createMachine({
      id: "versions",
      initial: waitState,
      states: {
        [waitState]: {
          invoke: {
            id: "wait",
            src: src as "waitForIt",
            onDone: options.extra ? "notify" : "done",
          },
        },
        ...(options.extra
          ? { notify: { invoke: { id: "notify", src: "notify", onDone: "done" } } }
          : {}),
        done: { type: "final" },
      },
    }),
  });
  return createJobRegistry([{ definition, file: null }]).get("demo.versions");
}

/** The checkpoint of a run of `job` while its first step is in flight. */
function inFlightSnapshot(job: ReturnType<typeof jobWith>): unknown {
  const actor = createActor(job.runnableMachine, { input: {} });
  actor.start();
  const snapshot = actor.getPersistedSnapshot();
  actor.stop();
  return JSON.parse(JSON.stringify(snapshot));
}

describe("whether a run goes on with its job's current version", () => {
  const v1 = jobWith("waiting");
  const snapshot = inFlightSnapshot(v1);

  it("fits when states were added after the one it is in", () => {
    const check = checkUpgrade(jobWith("waiting", { extra: true }), v1.version, snapshot);
    expect(check).toMatchObject({ fits: true, mappedStates: null });
  });

  it("fits a run that never ran, whatever changed", () => {
    expect(checkUpgrade(jobWith("renamed"), v1.version, null)).toMatchObject({ fits: true });
  });

  it("does not fit when the state it is in was renamed, and says which", () => {
    const check = checkUpgrade(jobWith("pausing"), v1.version, snapshot);
    expect(check).toEqual({ fits: false, reason: 'state "waiting" no longer exists' });
  });

  it("does not fit when the step in flight now runs another actor", () => {
    const check = checkUpgrade(jobWith("waiting", { src: "waitLonger" }), v1.version, snapshot);
    expect(check).toEqual({
      fits: false,
      reason: 'the step "wait" in flight now runs "waitLonger" instead of "waitForIt"',
    });
  });

  it("applies a declared mapping of the old version's states, then fits", () => {
    const v3 = jobWith("pausing", {
      upgrades: [{ from: v1.version.slice(0, 4), states: { waiting: "pausing" } }],
    });
    const check = checkUpgrade(v3, v1.version, snapshot);
    expect(check).toMatchObject({ fits: true, mappedStates: { waiting: "pausing" } });
    expect((check as { snapshot: { value: unknown } }).snapshot.value).toBe("pausing");
  });

  it("ignores a mapping declared for another version", () => {
    const v3 = jobWith("pausing", { upgrades: [{ from: "ffff", states: { waiting: "pausing" } }] });
    expect(checkUpgrade(v3, v1.version, snapshot)).toMatchObject({ fits: false });
  });

  it("refuses a job whose upgrade maps onto a state its machine does not have", () => {
    expect(() =>
      jobWith("pausing", { upgrades: [{ from: "abcd", states: { waiting: "nowhere" } }] }),
    ).toThrow(/maps "waiting" to "nowhere", which is not a state of its machine/);
    expect(() => jobWith("pausing", { upgrades: [{ from: "v1", states: {} }] })).toThrow(
      /upgrades.from "v1" is not a version/,
    );
  });
});
