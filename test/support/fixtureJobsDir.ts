import { fileURLToPath } from "node:url";

/** Jobs written for tests (test/fixtures/jobs): `fixtures.noop`, `fixtures.skips-records` … */
export const fixtureJobsDir = fileURLToPath(new URL("../fixtures/jobs/", import.meta.url));

/** The repository's job catalog (`jobs/`), as `npm start` serves it. */
export const repoJobsDir = fileURLToPath(new URL("../../jobs/", import.meta.url));
