import type { AppRouter } from "@docket/api";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { startApiServer } from "./support/apiServer.ts";
import { docket, fixtureCliEnv, output } from "./support/docketCli.ts";
import { createTestDatabase } from "./support/testDatabase.ts";
import { createTestEngine } from "./support/testEngine.ts";

/** One sentence per refused parameter, the same in the API's error data and the CLI's output. */
describe("parameter sentences", () => {
  it("come back in the API's error data with the field's path", async () => {
    await using t = await createTestEngine();
    await using server = await startApiServer(t.engine);
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: server.url, headers: server.authHeaders })],
    });
    const error = await client.runs.start
      .mutate({ jobId: "fixtures.flaky", params: { failures: -1, fatal: "no" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    const data = (error as TRPCClientError<AppRouter>).data;
    expect(data?.docketCode).toBe("INVALID_PARAMS");
    expect(data?.issues).toEqual([
      { path: "params.failures", message: "Enter a whole number of at least 0" },
      { path: "params.fatal", message: "Choose yes or no" },
    ]);
    expect((await t.engine.runs.list({ limit: 10 })).runs).toHaveLength(0);
  });

  it("are what `docket run --param` prints, with exit code 2", async () => {
    await using database = await createTestDatabase();
    const result = await docket(
      fixtureCliEnv(database),
      "run",
      "fixtures.flaky",
      "--param",
      "failures=-1",
    );
    expect(result.code, output(result)).toBe(2);
    expect(result.stderr).toContain("params.failures: Enter a whole number of at least 0");
    expect(result.stderr).not.toMatch(/Too small|expected int|>=/);
  });
});
