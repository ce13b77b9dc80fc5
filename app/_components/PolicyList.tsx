import { formatDuration } from "../_lib/formatters.ts";
import type { JobDetail } from "../_lib/trpcClient.ts";

/** A job's policy with every default spelled out (the API fills them in). */
export function PolicyList({ policy }: { readonly policy: JobDetail["policy"] }) {
  const { retry } = policy;
  return (
    <dl className="facts">
      <dt>Runs concurrently</dt>
      <dd>{policy.runConcurrently ? "yes" : "no — one run of this job at a time"}</dd>
      <dt>Conflicts with</dt>
      <dd>{listOrNone(policy.conflictsWith)}</dd>
      <dt>Waits for</dt>
      <dd>{listOrNone(policy.waitsFor)}</dd>
      <dt>Who may start</dt>
      <dd>{listOrNone(policy.permissions.create)}</dd>
      <dt>Who may abort</dt>
      <dd>{listOrNone(policy.permissions.cancel)}</dd>
      <dt>Restorable</dt>
      <dd>{policy.restorable ? "yes" : "no"}</dd>
      <dt>Step retries</dt>
      <dd>
        {retry
          ? [
              retry.attempts === undefined ? null : `${retry.attempts} attempts`,
              retry.initialDelay === undefined
                ? null
                : `first wait ${durationText(retry.initialDelay)}`,
              retry.factor === undefined ? null : `×${retry.factor}`,
              retry.maxDelay === undefined ? null : `at most ${durationText(retry.maxDelay)}`,
            ]
              .filter(Boolean)
              .join(", ") || "default"
          : "default"}
      </dd>
      <dt>Timeout</dt>
      <dd>{policy.timeoutMs === null ? "none" : formatDuration(policy.timeoutMs)}</dd>
      <dt>Parallelism</dt>
      <dd>{policy.parallelism === 1 ? "1 part" : `up to ${policy.parallelism} parts`}</dd>
    </dl>
  );
}

function listOrNone(values: readonly string[]) {
  return values.length === 0 ? <span className="muted">none</span> : values.join(", ");
}

/** Durations are milliseconds or strings like `"30s"`. */
function durationText(duration: number | string): string {
  return typeof duration === "number" ? formatDuration(duration) : duration;
}
