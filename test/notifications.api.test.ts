import { type AppRouter, createApiContext, createCaller } from "@docket/api";
import { enqueueRunNotifications } from "@docket/engine/testing";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { startApiServer } from "./support/apiServer.ts";
import { createTestEngine } from "./support/testEngine.ts";

async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

/** The field paths of a schema failure, as `data.issues` carries them over HTTP. */
function issuePaths(error: TRPCError): string[] {
  expect(error.code).toBe("BAD_REQUEST");
  expect(error.cause).toBeInstanceOf(ZodError);
  return (error.cause as ZodError).issues.map((issue) => issue.path.join("."));
}

const missingId = "5a4c9d56-0000-4000-8000-000000000000";

describe("notifications API (createCaller)", () => {
  it("subscribes an address to a job type or a schedule once, lists and unsubscribes", async () => {
    await using t = await createTestEngine();
    const api = createCaller(
      createApiContext(t.engine, { name: "ana", role: "admin", institution: "main" }),
    );
    const schedule = await t.engine.internals.db
      .insertInto("schedules")
      .values({
        name: "Nightly",
        job_id: "fixtures.noop",
        cron: "0 2 * * *",
        timezone: "UTC",
        created_by: "ana",
        institution: "main",
      })
      .returning("id")
      .executeTakeFirstOrThrow();

    const byJob = await api.notifications.subscribe({
      jobId: "fixtures.noop",
      email: " Ana@Example.org",
    });
    expect(byJob).toMatchObject({
      jobId: "fixtures.noop",
      scheduleId: null,
      email: "ana@example.org",
      onSuccess: false,
      onError: true,
      createdBy: "ana",
    });
    // The same address again: its one subscription takes the new choices.
    const again = await api.notifications.subscribe({
      jobId: "fixtures.noop",
      email: "ana@example.org",
      onSuccess: true,
      onError: false,
    });
    expect(again).toMatchObject({ id: byJob.id, onSuccess: true, onError: false });
    const bySchedule = await api.notifications.subscribe({
      scheduleId: schedule.id,
      email: "ops@example.org",
      onSuccess: true,
    });
    expect(bySchedule).toMatchObject({ jobId: null, scheduleId: schedule.id, onError: true });

    expect((await api.notifications.list()).map((s) => s.id)).toEqual([byJob.id, bySchedule.id]);
    expect((await api.notifications.list({ jobId: "fixtures.noop" })).map((s) => s.id)).toEqual([
      byJob.id,
    ]);
    expect((await api.notifications.list({ scheduleId: schedule.id })).map((s) => s.email)).toEqual(
      ["ops@example.org"],
    );
    expect(await api.notifications.list({ jobId: "fixtures.flaky" })).toEqual([]);

    expect((await api.notifications.unsubscribe({ id: byJob.id })).email).toBe("ana@example.org");
    expect((await api.notifications.list()).map((s) => s.id)).toEqual([bySchedule.id]);
    const gone = await trpcError(api.notifications.unsubscribe({ id: byJob.id }));
    expect(gone.code).toBe("NOT_FOUND");
    expect(gone.message).toBe(`Unknown subscription "${byJob.id}".`);
  });

  it("answers unknown jobs and schedules with NOT_FOUND, bad input with BAD_REQUEST and field paths", async () => {
    await using t = await createTestEngine();
    const api = createCaller(createApiContext(t.engine));
    const unknownJob = await trpcError(
      api.notifications.subscribe({ jobId: "fixtures.nope", email: "ana@example.org" }),
    );
    expect(unknownJob.code).toBe("NOT_FOUND");
    expect(unknownJob.message).toMatch(
      /^Unknown job "fixtures\.nope"\. Known jobs: .*docket\.restore, .*fixtures\.noop/,
    );
    const unknownSchedule = await trpcError(
      api.notifications.subscribe({ scheduleId: missingId, email: "ana@example.org" }),
    );
    expect(unknownSchedule.code).toBe("NOT_FOUND");
    expect(unknownSchedule.message).toBe(`Unknown schedule "${missingId}".`);

    const subscribe = api.notifications.subscribe;
    expect(
      issuePaths(await trpcError(subscribe({ jobId: "fixtures.noop", email: "not-an-address" }))),
    ).toEqual(["email"]);
    expect(issuePaths(await trpcError(subscribe({ email: "ana@example.org" })))).toEqual(["jobId"]);
    expect(
      issuePaths(
        await trpcError(
          subscribe({ jobId: "fixtures.noop", scheduleId: missingId, email: "ana@example.org" }),
        ),
      ),
    ).toEqual(["jobId"]);
    expect(
      issuePaths(
        await trpcError(
          subscribe({ jobId: "fixtures.noop", email: "ana@example.org", onError: false }),
        ),
      ),
    ).toEqual(["onError"]);
    expect(
      issuePaths(
        await trpcError(subscribe({ scheduleId: "nightly", email: "ana@example.org" } as never)),
      ),
    ).toEqual(["scheduleId"]);
    expect(
      issuePaths(
        await trpcError(
          api.notifications.list({ jobId: "fixtures.noop", scheduleId: missingId } as never),
        ),
      ),
    ).toEqual(["scheduleId"]);
    expect(issuePaths(await trpcError(api.notifications.unsubscribe({ id: "42" })))).toEqual([
      "id",
    ]);
    expect(
      issuePaths(await trpcError(api.notifications.outbox({ status: ["lost"] } as never))),
    ).toEqual(["status.0"]);
    expect(await api.notifications.list()).toEqual([]);
  });

  it("lists the outbox newest first with each notification's status", async () => {
    // No mail server: run ends record their notifications.
    await using t = await createTestEngine();
    const api = createCaller(createApiContext(t.engine));
    await api.notifications.subscribe({ jobId: "fixtures.noop", email: "ana@example.org" });
    const jobTitle = t.engine.registry.get("fixtures.noop").definition.title;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await api.runs.start({ jobId: "fixtures.noop" });
      await api.runs.abort({ id: run.id }); // not held by a worker: aborted at once
      // What the runner's hook does as the run ends (a no-op once the hook has done it).
      await t.engine.internals.db
        .transaction()
        .execute((trx) => enqueueRunNotifications(trx, run.id, { jobTitle, deliver: false }));
      ids.push(run.id);
    }
    const first = await api.notifications.outbox({ limit: 2 });
    expect(first.notifications.map((n) => n.runId)).toEqual([ids[2], ids[1]]);
    expect(first.notifications[0]).toMatchObject({
      jobId: "fixtures.noop",
      email: "ana@example.org",
      kind: "error",
      status: "recorded",
      attempts: 0,
      lastError: null,
      sentAt: null,
    });
    const second = await api.notifications.outbox({ cursor: first.nextCursor! });
    expect(second.notifications.map((n) => n.runId)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();
    const ofRun = await api.notifications.outbox({ runId: ids[1]! });
    expect(ofRun.notifications.map((n) => n.subject)).toEqual([
      `[Docket] Aborted: No-op (run ${ids[1]!.slice(0, 8)})`,
    ]);
    expect((await api.notifications.outbox({ status: ["sent", "failed"] })).notifications).toEqual(
      [],
    );
  });
});

describe("notifications API over HTTP", () => {
  it("answers a bad subscription with 400 and the invalid fields in data.issues", async () => {
    await using t = await createTestEngine();
    await using server = await startApiServer(t.engine);
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: server.url, headers: server.authHeaders })],
    });
    const error = await client.notifications.subscribe
      .mutate({ jobId: "fixtures.noop", email: "ana@" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    const clientError = error as TRPCClientError<AppRouter>;
    expect(clientError.data?.httpStatus).toBe(400);
    expect(clientError.data?.docketCode).toBe("INVALID_INPUT");
    expect(clientError.data?.issues).toEqual([
      { path: "email", message: "Enter an email address, e.g. ana@example.org" },
    ]);
    const created = await client.notifications.subscribe.mutate({
      jobId: "fixtures.noop",
      email: "ana@example.org",
    });
    expect((await client.notifications.list.query()).map((s) => s.id)).toEqual([created.id]);
  });
});
