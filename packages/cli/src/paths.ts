import { fileURLToPath } from "node:url";

/** The repository the CLI belongs to: `.docket/`, `jobs/`, `app/` and `.next/` live there. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
