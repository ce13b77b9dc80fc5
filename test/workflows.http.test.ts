import type { AppRouter } from "@docket/api";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { startApiServer } from "./support/apiServer.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

/** A chain of `count` no-op job nodes with generous params, as the designer sends it. */
function chain(count: number) {
  return {
    name: `Chain of ${count}`,
    description: "x".repeat(2_000),
    nodes: Array.from({ length: count }, (_, i) => ({
      id: `n${i}`,
      kind: "job" as const,
      jobId: "fixtures.noop",
      params: {},
      position: { x: i * 200, y: 0 },
    })),
    edges: Array.from({ length: count - 1 }, (_, i) => ({
      id: `e${i}`,
      from: `n${i}`,
      to: `n${i + 1}`,
      on: "success" as const,
    })),
  };
}

describe("workflows over HTTP", () => {
  it("validates and saves a 100-node workflow, refuses a 101st node with its issues in error data, and runs it", async () => {
    await using t = await createTestEngine();
    await using server = await startApiServer(t.engine);
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: server.url, headers: server.authHeaders })],
    });
    expect(await client.workflows.validate.mutate({ definition: chain(100) })).toEqual({
      valid: true,
      issues: [],
    });
    const error = await client.workflows.save
      .mutate({ definition: chain(101) })
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    const data = (error as TRPCClientError<AppRouter>).data;
    expect(data?.code).toBe("BAD_REQUEST");
    expect(data?.issues.map((i) => i.path)).toEqual(["nodes"]);
    expect(await client.workflows.list.query()).toEqual([]);

    const small = await client.workflows.save.mutate({ definition: chain(3) });
    const got = await client.workflows.get.query({ id: small.id });
    expect(got.graph.nodes.map((n) => n.key)).toEqual(["workflow", "n0", "n1", "n2"]);
    await using _worker = await t.engine.startWorker();
    const run = await client.workflows.start.mutate({ id: small.id });
    expect((await waitForStatus(t.engine, run.id, ["completed", "failed"])).status).toBe(
      "completed",
    );
    const status = await client.workflows.runStatus.query({ runId: run.id });
    expect(status.nodes.every((n) => n.status === "completed" && n.childRunId)).toBe(true);
  });
});
