import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository the CLI belongs to: `.docket/`, `jobs/`, `app/` and `.next/` live there. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** Job files: `DOCKET_JOBS_DIR` (relative to the working directory), else `<repo>/jobs`. */
export function resolveJobsDir(): string {
  const fromEnv = process.env.DOCKET_JOBS_DIR;
  return fromEnv ? path.resolve(fromEnv) : path.join(repoRoot, "jobs");
}
