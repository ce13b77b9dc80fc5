"use client";

import { useQuery } from "@tanstack/react-query";
import { describeEstimate } from "../_lib/formatEstimate.ts";
import { useTRPC } from "../_lib/trpcClient.ts";

/**
 * How long the run is likely to take, from this job's latest completed runs
 * and the population the dry run counted: "About 4 minutes for 12,000 items,
 * from the last 5 runs." An estimate that cannot be made says why.
 */
export function RunEstimate({
  jobId,
  population,
  target,
}: {
  readonly jobId: string;
  readonly population: number | null;
  readonly target: string | null;
}) {
  const trpc = useTRPC();
  const { data, error } = useQuery(trpc.runs.estimateDuration.queryOptions({ jobId, population }));
  return (
    <span data-testid="run-estimate">
      {data ? (
        data.kind === "estimate" ? (
          describeEstimate(data, population, target)
        ) : (
          <span className="muted">{describeEstimate(data, population, target)}</span>
        )
      ) : error ? (
        <span className="muted">No estimate: {error.message}</span>
      ) : (
        <span className="muted">Estimating…</span>
      )}
    </span>
  );
}
