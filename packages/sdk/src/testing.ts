/**
 * Test a job against a real PostgreSQL with the real runner, on a clock the
 * test controls: see README "Test your job".
 *
 * @example
 * import { createJobTestEnvironment } from "@docket/sdk/testing";
 * import reminder from "./examples.reminder.ts";
 *
 * await using env = await createJobTestEnvironment({ jobs: [reminder] });
 * const run = await env.start("examples.reminder", { params: { message: "Shelf read", delaySeconds: 3600 } });
 * await env.clock.advance("1h"); // an hour passes at once
 * expect((await run.result()).status).toBe("completed");
 */
export * from "@docket/engine/job-testing";
