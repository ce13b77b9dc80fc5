"use client";

import Link from "next/link";
import { isNotFound } from "../../_lib/apiError.ts";
import { schemaFields } from "../../_lib/schemaFields.ts";
import { useTRPC } from "../../_lib/trpcClient.ts";
import { useLoadedQuery } from "../../_lib/useLoadedQuery.ts";
import { useSession } from "../AuthProvider.tsx";
import { ErrorNotice } from "../ErrorNotice.tsx";
import { MachineGraph } from "../graph/MachineGraph.tsx";
import { Icon } from "../Icon.tsx";
import { LoadingRows } from "../LoadingRows.tsx";
import { PageHeader } from "../PageHeader.tsx";
import { ParamsTable } from "../ParamsTable.tsx";
import { JobPolicy } from "./JobPolicy.tsx";
import { JobSchedules } from "./JobSchedules.tsx";
import { JobVersions } from "./JobVersions.tsx";
import styles from "./jobs.module.css";

/** One job type: what it does, its state machine, parameters and policy, and where to run it. */
export function JobView({ jobId }: { readonly jobId: string }) {
  const { user } = useSession();
  const trpc = useTRPC();
  const {
    data: job,
    error,
    loading,
  } = useLoadedQuery(
    trpc.jobs.get.queryOptions(
      { id: jobId },
      // Loaded once; retried while the API cannot be reached, not for an unknown job.
      {
        refetchInterval: (query) =>
          query.state.data || isNotFound(query.state.error) ? false : 3000,
      },
    ),
  );
  const eyebrow = (
    <Link href="/jobs">
      <Icon name="arrowLeft" size={13} /> Jobs
    </Link>
  );

  if (loading) {
    return (
      <>
        <PageHeader eyebrow={eyebrow} title={jobId} />
        <LoadingRows rows={5} label="Loading the job" />
      </>
    );
  }
  if (!job) {
    const notFound = isNotFound(error);
    return (
      <>
        <PageHeader eyebrow={eyebrow} title={notFound ? "Unknown job" : jobId} />
        <ErrorNotice
          title={notFound ? `There is no job “${jobId}”` : "Could not load the job"}
          error={notFound ? undefined : error}
          hint={notFound ? "Pick one from the job catalog." : "Retrying every 3 s."}
        />
      </>
    );
  }

  return (
    <>
      <PageHeader
        eyebrow={eyebrow}
        title={job.title}
        subtitle={
          <>
            <code>{job.id}</code>
            <span aria-hidden="true"> · </span>
            {job.category}
            <span aria-hidden="true"> · </span>
            {job.target ? `runs on a set of ${job.target}` : "runs without a set"}
          </>
        }
        actions={
          job.canStart ? (
            <Link
              href={`/run?jobId=${encodeURIComponent(job.id)}`}
              className="button button--primary"
            >
              <Icon name="run" />
              Run this job
            </Link>
          ) : (
            <span className="muted small" data-testid="start-refusal">
              {job.startRefusal}.
            </span>
          )
        }
      />
      <p className={styles.lead}>{job.description}</p>
      <section className="panel" aria-labelledby="machine-title">
        <h2 id="machine-title" className="panel__title">
          State machine
        </h2>
        <MachineGraph graph={job.graph} label={`State machine of ${job.title}`} />
      </section>
      <div className={styles.layout}>
        <div className={styles.main}>
          <section className="panel" aria-labelledby="params-title">
            <h2 id="params-title" className="panel__title">
              Parameters
            </h2>
            <ParamsTable fields={schemaFields(job.paramsSchema)} />
          </section>
        </div>
        <div className={styles.aside}>
          <section className="panel" aria-labelledby="policy-title">
            <h2 id="policy-title" className="panel__title">
              Policy
            </h2>
            <JobPolicy policy={job.policy} />
          </section>
          <JobSchedules jobId={job.id} canEdit={user.role === "admin"} />
          <JobVersions jobId={job.id} isAdmin={user.role === "admin"} />
        </div>
      </div>
    </>
  );
}
