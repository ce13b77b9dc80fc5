/** The log line an activation ends with: ended runs at `info` (failures at `warn`), hand-overs at `debug`. */
import type { ActivationOutcome } from "../runner/activationContext.ts";
import type { Logger } from "./logger.ts";

export function logActivationEnd(
  log: Logger,
  outcome: ActivationOutcome,
  failure: { readonly message: string; readonly state?: unknown } | null,
): void {
  switch (outcome) {
    case "failed":
      log.warn(
        { outcome, error: failure?.message, state: failure?.state },
        `Run failed: ${failure?.message ?? "no reason given"}`,
      );
      return;
    case "completed":
    case "completed_with_errors":
    case "aborted":
      log.info({ outcome }, `Run ${outcome.replaceAll("_", " ")}`);
      return;
    case "parked":
    case "released":
    case "waiting":
    case "lease-lost":
      log.debug({ outcome }, `Run left this worker (${outcome})`);
      return;
    case "skipped":
      return;
  }
}
