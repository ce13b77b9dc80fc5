"use client";

import { useQueries } from "@tanstack/react-query";
import { liveMeta } from "../_lib/liveQueries.ts";
import { useTRPC } from "../_lib/trpcClient.ts";
import { describeBulkResults } from "./bulkOutcomes.ts";
import styles from "./monitor.module.css";
import type { ActionMessage } from "./RunActionDialog.tsx";

/**
 * What the last action did, counted per outcome. Runs answered as stopping
 * are followed until they end: once one is aborted it counts as aborted,
 * and not before.
 */
export function ActionOutcome({ message }: { readonly message: ActionMessage }) {
  const trpc = useTRPC();
  const stopping =
    message.kind === "results"
      ? message.results.filter((result) => result.outcome === "stopping").map((result) => result.id)
      : [];
  const now = useQueries({
    queries: stopping.map((id) => trpc.runs.get.queryOptions({ id }, { meta: liveMeta })),
  });
  if (message.kind === "error") {
    return (
      <p className={`notice notice--error ${styles.outcome}`} role="alert">
        {message.text}
      </p>
    );
  }
  const aborted = new Set(
    now.flatMap((query) => (query.data?.status === "aborted" ? [query.data.id] : [])),
  );
  const { ok, text } = describeBulkResults(
    message.results.map((result) =>
      result.outcome === "stopping" && aborted.has(result.id)
        ? { ...result, outcome: "aborted" as const }
        : result,
    ),
  );
  return (
    <p
      className={`notice ${ok ? "notice--success" : "notice--warning"} ${styles.outcome}`}
      role="status"
    >
      {text}
    </p>
  );
}
