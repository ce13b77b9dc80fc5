"use client";

import { isNotFound } from "../_lib/apiError.ts";
import { schemaFields } from "../_lib/schemaFields.ts";
import { trpc } from "../_lib/trpcClient.ts";
import { usePolling } from "../_lib/usePolling.ts";
import { Breadcrumbs } from "./Breadcrumbs.tsx";
import { ErrorNotice } from "./ErrorNotice.tsx";
import { ParamsTable } from "./ParamsTable.tsx";
import { PolicyList } from "./PolicyList.tsx";
import { StartRunForm } from "./StartRunForm.tsx";

const trail = [{ href: "/#jobs", label: "Jobs" }];

/** A job type: what it does, its parameters and policy, and a form to start a run. */
export function JobDetails({ jobId }: { readonly jobId: string }) {
  const {
    data: job,
    error,
    loading,
  } = usePolling(
    (signal) => trpc.jobs.get.query({ id: jobId }, { signal }),
    // Loaded once; retried while the API cannot be reached, not for an unknown job.
    { intervalMs: 2000, key: jobId, until: () => true, giveUpOn: isNotFound },
  );

  if (loading) return <p className="muted">Loading job…</p>;
  if (!job) {
    const notFound = isNotFound(error);
    return (
      <>
        <Breadcrumbs trail={trail} current={jobId} />
        <h1 className="page-title">{notFound ? "Unknown job" : "Job"}</h1>
        <ErrorNotice
          title={notFound ? `There is no job "${jobId}"` : "Could not load the job"}
          error={notFound ? undefined : error}
          hint={notFound ? "Pick a job from the overview." : "Retrying every 2 s."}
        />
      </>
    );
  }

  const fields = schemaFields(job.paramsSchema);
  return (
    <>
      <Breadcrumbs trail={trail} current={job.title} />
      <header className="page-header">
        <div>
          <h1 className="page-title">{job.title}</h1>
          <p className="page-subtitle">
            <code>{job.id}</code>
            <span aria-hidden="true"> · </span>
            {job.category}
            {job.target ? (
              <>
                <span aria-hidden="true"> · </span>runs on {job.target}
              </>
            ) : null}
          </p>
        </div>
      </header>
      <p className="lead">{job.description}</p>
      <div className="job-layout">
        <div className="job-layout__main">
          <section aria-labelledby="parameters" className="panel">
            <h2 id="parameters" className="panel__title">
              Parameters
            </h2>
            <ParamsTable fields={fields} />
          </section>
          <section aria-labelledby="policy" className="panel">
            <h2 id="policy" className="panel__title">
              Policy
            </h2>
            <PolicyList policy={job.policy} />
          </section>
        </div>
        <section aria-labelledby="start-run" className="panel job-layout__aside">
          <h2 id="start-run" className="panel__title">
            Start run
          </h2>
          <StartRunForm jobId={job.id} fields={fields} />
        </section>
      </div>
    </>
  );
}
