"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { compareWithEstimate } from "../_lib/formatEstimate.ts";
import { isRunEnded } from "../_lib/runStatus.ts";
import { type RunView, useTRPC } from "../_lib/trpcClient.ts";

/**
 * A run next to what was expected of it, from its job's latest completed
 * runs (this one left out): "Expected about 4 minutes; 2 minutes in, 60% done."
 * Shows nothing for workflow runs, and until a set's population is counted.
 */
export function ExpectedDuration({ run }: { readonly run: RunView }) {
  const trpc = useTRPC();
  const counting = run.setId !== null && run.population === null;
  const { data } = useQuery(
    trpc.runs.estimateDuration.queryOptions(
      { jobId: run.jobId, population: run.population, excludeRunId: run.id },
      { enabled: run.workflowId === null && !counting, staleTime: Number.POSITIVE_INFINITY },
    ),
  );
  const ended = isRunEnded(run.status);
  const now = useNow(!ended && run.startedAt !== null);
  if (data?.kind !== "estimate") return null;

  const startedAt = run.startedAt ? Date.parse(run.startedAt) : null;
  const until = run.endedAt ? Date.parse(run.endedAt) : now;
  const total = run.progress?.total ?? run.population ?? null;
  const sentence = compareWithEstimate(data.seconds, {
    elapsedSeconds: startedAt === null ? null : Math.max(0, (until - startedAt) / 1000),
    ended,
    percentDone:
      run.progress && total ? Math.min(100, Math.floor((run.progress.done / total) * 100)) : null,
  });
  return (
    <p className="muted small" data-testid="expected-duration">
      {sentence} From the last {data.fromRuns === 1 ? "run" : `${data.fromRuns} runs`} of this job.
    </p>
  );
}

/** The time, re-read every 5 s while `live`: the sentence counts minutes. */
function useNow(live: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!live) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(timer);
  }, [live]);
  return now;
}
