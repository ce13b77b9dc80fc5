import { formatDuration } from "../../_lib/formatters.ts";
import type { JobDetail } from "../../_lib/trpcClient.ts";
import styles from "./jobs.module.css";

/** A job's policy in words, every default spelled out (the API fills them in). */
export function JobPolicy({ policy }: { readonly policy: JobDetail["policy"] }) {
  const { retry } = policy;
  const { on } = policy;
  return (
    <dl className={styles.facts}>
      <dt>Runs concurrently</dt>
      <dd>{policy.runConcurrently ? "yes" : "no — one run at a time"}</dd>
      <dt>Conflicts with</dt>
      <dd>{jobLinks(policy.conflictsWith)}</dd>
      <dt>Waits for</dt>
      <dd>{jobLinks(policy.waitsFor)}</dd>
      <dt>Started by events</dt>
      <dd>{on.length ? chips(on) : <span className="muted">none</span>}</dd>
      <dt>Who may start</dt>
      <dd>{policy.permissions.create.join(", ") || <span className="muted">nobody</span>}</dd>
      <dt>Who may abort</dt>
      <dd>{[...policy.permissions.cancel, "the run's creator"].join(", ")}</dd>
      <dt>Restorable</dt>
      <dd>{policy.restorable ? "yes — a run's changes can be undone" : "no"}</dd>
      <dt>Parallelism</dt>
      <dd>{policy.parallelism === 1 ? "1 part" : `up to ${policy.parallelism} parts at once`}</dd>
      <dt>Step retries</dt>
      <dd>{retry ? retryText(retry) : "3 tries, 1 s doubling up to 1 min (default)"}</dd>
      <dt>Timeout</dt>
      <dd>{policy.timeoutMs === null ? "none" : formatDuration(policy.timeoutMs)}</dd>
    </dl>
  );
}

function jobLinks(ids: readonly string[]) {
  if (ids.length === 0) return <span className="muted">none</span>;
  return (
    <span className={styles.chips}>
      {ids.map((id) => (
        <a key={id} href={`/jobs/${encodeURIComponent(id)}`}>
          <code>{id}</code>
        </a>
      ))}
    </span>
  );
}

function chips(values: readonly string[]) {
  return (
    <span className={styles.chips}>
      {values.map((value) => (
        <code key={value}>{value}</code>
      ))}
    </span>
  );
}

type Retry = NonNullable<JobDetail["policy"]["retry"]>;

function retryText(retry: Retry): string {
  const parts = [
    retry.attempts === undefined ? null : `${retry.attempts} tries`,
    retry.initialDelay === undefined ? null : `first wait ${durationText(retry.initialDelay)}`,
    retry.factor === undefined ? null : `×${retry.factor}`,
    retry.maxDelay === undefined ? null : `at most ${durationText(retry.maxDelay)}`,
  ].filter(Boolean);
  return parts.join(", ") || "default";
}

function durationText(duration: number | string): string {
  return typeof duration === "number" ? formatDuration(duration) : duration;
}
