import Link from "next/link";
import type { JobSummary } from "../_lib/trpcClient.ts";

export function JobCategory({
  name,
  jobs,
}: {
  readonly name: string;
  readonly jobs: readonly JobSummary[];
}) {
  return (
    <section className="job-category" aria-label={name}>
      <h3 className="job-category__name">{name}</h3>
      <ul className="job-list">
        {jobs.map((job) => (
          <li key={job.id} className="job-list__item">
            <Link href={`/jobs/${encodeURIComponent(job.id)}`} className="job-list__title">
              {job.title}
            </Link>
            <code className="job-list__id">{job.id}</code>
            <p className="job-list__description">{job.description}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
