"use client";

import Link from "next/link";
import { shortVersion } from "../../_lib/describeEvent.ts";
import { useTRPC } from "../../_lib/trpcClient.ts";
import { useLoadedQuery } from "../../_lib/useLoadedQuery.ts";
import { ErrorNotice } from "../ErrorNotice.tsx";
import { LoadingRows } from "../LoadingRows.tsx";

/** The versions of a job its unfinished runs are on: which run the current one, which wait for an older one. */
export function JobVersions({ jobId }: { readonly jobId: string }) {
  const trpc = useTRPC();
  const { data, error, loading } = useLoadedQuery(
    trpc.jobs.versions.queryOptions({ id: jobId }, { refetchInterval: 5_000 }),
  );
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
        </>
      ) : null}
    </section>
  );
}
