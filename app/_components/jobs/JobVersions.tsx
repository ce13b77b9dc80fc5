"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { toApiError } from "../../_lib/apiError.ts";
import { shortVersion } from "../../_lib/describeEvent.ts";
import { useTRPC } from "../../_lib/trpcClient.ts";
import { useLoadedQuery } from "../../_lib/useLoadedQuery.ts";
import { ErrorNotice } from "../ErrorNotice.tsx";
import { LoadingRows } from "../LoadingRows.tsx";

/** The versions of a job its unfinished runs are on: which run the current one, which wait for an older one. */
export function JobVersions({
  jobId,
  isAdmin,
}: {
  readonly jobId: string;
  readonly isAdmin: boolean;
}) {
  const trpc = useTRPC();
  const versions = trpc.jobs.versions.queryOptions({ id: jobId }, { refetchInterval: 5_000 });
  const { data, error, loading } = useLoadedQuery(versions);
  const queryClient = useQueryClient();
  const restart = useMutation(
    trpc.runs.restartOnCurrentVersion.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: versions.queryKey }),
    }),
  );
  const [outcome, setOutcome] = useState<string | null>(null);
  const awaiting = data?.inFlight.reduce((sum, version) => sum + version.awaiting, 0) ?? 0;
  const restartAll = async () => {
    try {
      const { restarted } = await restart.mutateAsync({ jobId });
      setOutcome(
        `Started ${restarted.length} run${restarted.length === 1 ? "" : "s"} again on the current version.`,
      );
    } catch (cause) {
      setOutcome(toApiError(cause).message);
    }
  };
  return (
    <section className="panel" aria-labelledby="job-versions-title">
      <h2 id="job-versions-title" className="panel__title">
        Versions
      </h2>
      {loading ? <LoadingRows rows={1} label="Loading the job's versions" /> : null}
      {error ? <ErrorNotice title="Could not load the versions" error={error} /> : null}
      {data ? (
        <>
          <p className="small">
            Workers here run version <span className="mono">{shortVersion(data.current)}</span>.
          </p>
          {data.inFlight.length === 0 ? (
            <p className="muted small">No run of this job is under way.</p>
          ) : (
            <ul className="small" data-testid="job-versions">
              {data.inFlight.map((version) => (
                <li key={version.version}>
                  <span className="mono">{shortVersion(version.version)}</span>
                  {version.current ? " (current)" : ""}: {version.runs} run
                  {version.runs === 1 ? "" : "s"} under way
                  {version.awaiting > 0 ? (
                    <>
                      , {version.awaiting} waiting for a worker with this version —{" "}
                      <Link href={`/monitor?jobId=${encodeURIComponent(jobId)}&status=queued`}>
                        see them
                      </Link>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
          {isAdmin && awaiting > 0 ? (
            <button
              type="button"
              className="button"
              disabled={restart.isPending}
              onClick={restartAll}
            >
              Start the {awaiting} waiting run{awaiting === 1 ? "" : "s"} again on the current
              version
            </button>
          ) : null}
          {outcome ? (
            <p className="small" role="status">
              {outcome}
            </p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
