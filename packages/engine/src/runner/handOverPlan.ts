/** Which settlements of an activation hand the run over (park, suspend, wait for parts, release), and how. */
import type { ActivationOutcome, Settlement } from "./activationContext.ts";
import type { HandOverInput, HandOverWake } from "./sql/handOverRun.ts";

export interface HandOverPlan {
  readonly wakeAt: HandOverWake;
  readonly event: HandOverInput["event"];
  readonly outcome: Extract<ActivationOutcome, "parked" | "released">;
}

/** The settlements that hand the run to a later activation instead of ending it. */
export type HandOverSettlement = Extract<
  Settlement,
  { kind: "park" | "suspend" | "await-parts" | "release" }
>;

const handOverKinds: ReadonlySet<Settlement["kind"]> = new Set([
  "park",
  "suspend",
  "await-parts",
  "release",
]);

export function isHandOver(settlement: Settlement): settlement is HandOverSettlement {
  return handOverKinds.has(settlement.kind);
}

/** The hand-over a settlement asks for: when the next activation starts, and what the run's history says. */
export function handOverPlan(settlement: HandOverSettlement, deadline: Date | null): HandOverPlan {
  // Wake for the run's timeout too, so a parked run cannot outlive it.
  const capped = (date: Date) =>
    new Date(Math.min(date.getTime(), deadline?.getTime() ?? Number.POSITIVE_INFINITY));
  switch (settlement.kind) {
    case "park": {
      const until = capped(settlement.until);
      return {
        wakeAt: until,
        event: { type: "parked", data: { until: until.toISOString() } },
        outcome: "parked",
      };
    }
    case "suspend": {
      const { until, ready, reason } = settlement.suspension;
      const wakeAt = capped(until);
      return {
        wakeAt: { until: wakeAt, ready },
        event: { type: "suspended", data: { until: wakeAt.toISOString(), reason } },
        outcome: "parked",
      };
    }
    case "await-parts":
      return {
        wakeAt: "when-parts-end",
        event: { type: "awaiting-parts", data: {} },
        outcome: "parked",
      };
    case "release":
      return {
        wakeAt: null,
        event: {
          type: "released",
          data: { reason: "The worker is shutting down; another worker resumes the run." },
        },
        outcome: "released",
      };
  }
}
