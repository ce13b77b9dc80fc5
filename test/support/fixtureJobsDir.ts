import { fileURLToPath } from "node:url";

export const fixtureJobsDir = fileURLToPath(new URL("../fixtures/jobs/", import.meta.url));
