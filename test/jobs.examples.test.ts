import { fileURLToPath } from "node:url";
import { createJobTestEnvironment } from "@docket/sdk/testing";
import { expect, inject, it } from "vitest";

const jobsDir = fileURLToPath(new URL("../jobs/", import.meta.url));

// The example jobs are tested as a job author tests theirs: with @docket/sdk/testing.
it("the example jobs in jobs/ run to completion, a day's reminder on a moved clock", async () => {
  await using env = await createJobTestEnvironment({ jobsDir, databaseUrl: inject("adminUrl") });
  const greet = await env.start("examples.greet", { params: { name: "Ada", times: 3 } });
  const reminder = await env.start("examples.reminder", {
    params: { message: "Shelf read", delaySeconds: 24 * 3600 },
  });
  const lookup = await env.start("examples.flaky-lookup", {
    params: { isbn: "9780306406157", failures: 1 },
  });
  const missing = await env.start("examples.flaky-lookup", { params: { isbn: "0000000000" } });

  expect(await greet.result()).toMatchObject({ status: "completed", context: { greeted: 3 } });
  await env.clock.advance("1d");
  const reminded = await reminder.result();
  expect(reminded.status).toBe("completed");
  expect(reminded.logs.at(-1)?.message).toBe("Reminder: Shelf read");
  expect((await env.engine.runs.get(reminder.id)).activations).toBe(2); // parked, then resumed
  expect(await lookup.result()).toMatchObject({ status: "completed", context: { tries: 2 } });
  expect(await missing.result()).toMatchObject({
    status: "failed",
    error: { message: "ISBN 0000000000 does not exist" },
  });
  for (const run of [greet, reminder, lookup, missing])
    expect(await env.replay(run.id)).toMatchObject({ resumes: true });
});
