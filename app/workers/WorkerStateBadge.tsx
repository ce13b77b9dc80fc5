import type { RouterOutputs } from "../_lib/trpcClient.ts";

/** A worker process as `workers.list` returns it. */
export type WorkerView = RouterOutputs["workers"]["list"][number];
export type WorkerStateName = WorkerView["state"];

/** Each state as a badge: alive pulses like a running run, lost is an alarm, stopped is grey. */
const stateBadges: Readonly<Record<WorkerStateName, { className: string; meaning: string }>> = {
  alive: { className: "badge badge--running", meaning: "Heartbeating: it takes and runs work" },
  lost: {
    className: "badge badge--failed",
    meaning:
      "No heartbeat for 25 s and it did not stop: killed, or its machine or network is gone. Runs it held are retried by the other workers.",
  },
  stopped: {
    className: "badge badge--aborted",
    meaning: "Stopped on request; its runs were handed over",
  },
};

export function WorkerStateBadge({ state }: { readonly state: WorkerStateName }) {
  const badge = stateBadges[state];
  return (
    <span className={badge.className} title={badge.meaning} data-testid="worker-state">
      {state}
    </span>
  );
}

const relative = new Intl.RelativeTimeFormat("en", { numeric: "always" });

/** `3 seconds ago`, `4 minutes ago`, `2 hours ago`: a heartbeat's age, to the second while it is fresh. */
export function formatSeenAgo(seconds: number): string {
  if (seconds < 120) return relative.format(-Math.floor(seconds), "second");
  if (seconds < 7200) return relative.format(-Math.floor(seconds / 60), "minute");
  return relative.format(-Math.floor(seconds / 3600), "hour");
}
