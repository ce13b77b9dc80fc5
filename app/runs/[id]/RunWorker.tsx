"use client";

import { executingStatuses } from "@docket/sdk/vocabulary";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { type RunView, useTRPC } from "../../_lib/trpcClient.ts";
import { WorkerStateBadge } from "../../workers/WorkerStateBadge.tsx";

/**
 * The run's worker, in the details list: the one holding it while it
 * executes, with that worker's state (a lost worker's runs are retried
 * elsewhere), or the last one that ran it.
 */
export function RunWorker({ run }: { readonly run: RunView }) {
  // Executing and not parked in a long sleep (then no worker holds it).
  const held = (executingStatuses as readonly string[]).includes(run.status) && run.wakeAt === null;
  const trpc = useTRPC();
  const { data: workers } = useQuery(
    trpc.workers.list.queryOptions(undefined, {
      enabled: run.workerId !== null,
      refetchInterval: held ? 5_000 : false,
    }),
  );
  if (run.workerId === null) return null;
  const worker = workers?.find((candidate) => candidate.id === run.workerId);
  return (
    <>
      <dt>{held ? "Worker" : "Last worker"}</dt>
      <dd data-testid="run-worker">
        <Link href="/workers" className="mono small">
          {worker ? `${worker.host} pid ${worker.pid}` : run.workerId}
        </Link>{" "}
        {worker ? <WorkerStateBadge state={worker.state} /> : null}
      </dd>
    </>
  );
}
