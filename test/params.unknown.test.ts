import type { AppRouter } from "@docket/api";
import { createApiContext, createCaller } from "@docket/api";
import type { Engine } from "@docket/engine";
import { createJobRegistry } from "@docket/engine/testing";
import { defineJob, InvalidParamsError } from "@docket/sdk";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { setup } from "xstate";
import { z } from "zod";
import { startApiServer } from "./support/apiServer.ts";
import { query } from "./support/catalogFixture.ts";
import { docket, fixtureCliEnv, output } from "./support/docketCli.ts";
import { createTestDatabase } from "./support/testDatabase.ts";
import { createTestEngine } from "./support/testEngine.ts";

/** What fixtures.flaky says of a key it does not declare. */
const flakyTakes = "fixtures.flaky takes failures, fatal";

/** The error a promise rejected with (the test fails if it resolved). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a refusal");
    },
    (error: unknown) => error,
  );
}

/** No run stored and nothing queued for a worker. */
async function expectNothingStored(url: string): Promise<void> {
  expect(await query(url, "select id from runs")).toEqual([]);
  expect(await query(url, "select id from pgboss.job")).toEqual([]);
}

/** A job whose params are declared by `params`, to try how its schema's strictness is kept. */
function jobWithParams(id: string, params: z.ZodObject) {
  return defineJob({
    id,
    title: id,
    category: "Fixtures",
    description: "Params only.",
    params,
    machine: setup({ types: { input: {} as z.output<typeof params> } }).createMachine({
      id: "paramsOnly",
      initial: "done",
      states: { done: { type: "final" } },
    }),
  });
}

async function storedParams(engine: Engine, runId: string): Promise<unknown> {
  return (await engine.runs.get(runId)).params;
}

describe("unknown parameters", () => {
  it("are refused by runs.start and dryRun, naming each and what the job takes, storing nothing", async () => {
    await using t = await createTestEngine();
    const { engine } = t;

    const one = await rejection(
      engine.runs.start({
        jobId: "fixtures.flaky",
        params: { failures: 0, onlyWithAuthor: true },
        createdBy: "ana",
      }),
    );
    expect(one).toBeInstanceOf(InvalidParamsError);
    expect((one as InvalidParamsError).message).toBe(
      `Unknown parameter onlyWithAuthor; ${flakyTakes}`,
    );
    expect((one as InvalidParamsError).issues).toEqual([
      { path: "params.onlyWithAuthor", message: `Unknown parameter onlyWithAuthor; ${flakyTakes}` },
    ]);

    // Several unknown keys and an invalid declared one: every issue at once.
    const several = (await rejection(
      engine.runs.start({
        jobId: "fixtures.flaky",
        params: { failures: "two", colour: "red", size: 3 },
        createdBy: "ana",
      }),
    )) as InvalidParamsError;
    expect(several.message).toMatch(
      new RegExp(
        `^Unknown parameters colour, size; ${flakyTakes}\\. Invalid parameters for job "fixtures\\.flaky": params\\.failures: `,
      ),
    );
    expect(several.issues.map((issue) => issue.path)).toEqual([
      "params.colour",
      "params.size",
      "params.failures",
    ]);

    const none = (await rejection(
      engine.runs.start({ jobId: "fixtures.noop", params: { nope: 1 }, createdBy: "ana" }),
    )) as InvalidParamsError;
    expect(none.message).toBe("Unknown parameter nope; fixtures.noop takes no parameters");

    const dry = (await rejection(
      engine.runs.dryRun({ jobId: "fixtures.flaky", params: { failures: 0, nope: 1 } }),
    )) as InvalidParamsError;
    expect(dry).toBeInstanceOf(InvalidParamsError);
    expect(dry.issues).toEqual([
      { path: "params.nope", message: `Unknown parameter nope; ${flakyTakes}` },
    ]);
    await expectNothingStored(t.database.url);

    // Declared keys alone still start, defaults applied.
    const run = await engine.runs.start({
      jobId: "fixtures.flaky",
      params: { failures: 0 },
      createdBy: "ana",
    });
    expect(await storedParams(engine, run.id)).toEqual({ failures: 0, fatal: false });
  });

  it("are refused over HTTP with BAD_REQUEST and the field issue, storing nothing", async () => {
    await using t = await createTestEngine();
    await using server = await startApiServer(t.engine);
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: server.url, headers: server.authHeaders })],
    });
    const error = await rejection(
      client.runs.start.mutate({ jobId: "fixtures.flaky", params: { failures: 0, nope: 1 } }),
    );
    expect(error).toBeInstanceOf(TRPCClientError);
    const clientError = error as TRPCClientError<AppRouter>;
    expect(clientError.data?.httpStatus).toBe(400);
    expect(clientError.data?.docketCode).toBe("INVALID_PARAMS");
    expect(clientError.message).toBe(`Unknown parameter nope; ${flakyTakes}`);
    expect(clientError.data?.issues).toEqual([
      { path: "params.nope", message: `Unknown parameter nope; ${flakyTakes}` },
    ]);
    await expectNothingStored(t.database.url);
  });

  it("are refused by `docket run --param` with exit 2, naming them, storing nothing", async () => {
    await using database = await createTestDatabase();
    const env = fixtureCliEnv(database);
    const [flaky, noop] = await Promise.all([
      docket(env, "run", "fixtures.flaky", "--param", "failures=0", "--param", "nope=1"),
      docket(env, "run", "fixtures.noop", "--param", "onlyWithAuthor=true"),
    ]);
    expect(flaky.code, output(flaky)).toBe(2);
    expect(flaky.stderr).toMatch(new RegExp(`^Error: Unknown parameter nope; ${flakyTakes}$`, "m"));
    expect(noop.code, output(noop)).toBe(2);
    expect(noop.stderr).toMatch(
      /^Error: Unknown parameter onlyWithAuthor; fixtures\.noop takes no parameters$/m,
    );
    for (const result of [flaky, noop]) expect(result.stdout, output(result)).toBe("");
    await expectNothingStored(database.url);
  });

  it("are refused when a schedule is saved, and when a stored one fires", async () => {
    await using t = await createTestEngine();
    const api = createCaller(
      createApiContext(t.engine, { name: "ana", role: "admin", institution: "main" }),
    );
    const schedule = {
      name: "Hourly flake",
      jobId: "fixtures.flaky",
      params: { failures: 0 },
      timing: { kind: "cron", cron: "0 * * * *" },
      timezone: "UTC",
    } as const;
    const refused = await rejection(
      api.schedules.create({ ...schedule, params: { failures: 0, nope: 1 } }),
    );
    expect(refused).toBeInstanceOf(TRPCError);
    expect((refused as TRPCError).code).toBe("BAD_REQUEST");
    expect((refused as TRPCError).message).toBe(`Unknown parameter nope; ${flakyTakes}`);
    expect(((refused as TRPCError).cause as InvalidParamsError).issues).toEqual([
      { path: "params.nope", message: `Unknown parameter nope; ${flakyTakes}` },
    ]);
    expect(await query(t.database.url, "select id from schedules")).toEqual([]);

    // Saved before the job stopped declaring a parameter: shown as the schedule's problem, and not started.
    const saved = await api.schedules.create(schedule);
    await query(t.database.url, `update schedules set params = '{"failures":0,"nope":1}'`);
    expect((await api.schedules.get({ id: saved.id })).problem).toBe(
      `Unknown parameter nope; ${flakyTakes}`,
    );
    const fired = await rejection(api.schedules.runNow({ id: saved.id }));
    expect((fired as TRPCError).code).toBe("BAD_REQUEST");
    expect((fired as TRPCError).message).toBe(`Unknown parameter nope; ${flakyTakes}`);
    await expectNothingStored(t.database.url);
  });

  it("are refused in a workflow's job node and in an event's data", async () => {
    await using t = await createTestEngine();
    const api = createCaller(
      createApiContext(t.engine, { name: "ana", role: "admin", institution: "main" }),
    );
    const validation = await api.workflows.validate({
      definition: {
        name: "Flaky once",
        nodes: [
          { id: "only", kind: "job", jobId: "fixtures.flaky", params: { failures: 0, nope: 1 } },
        ],
        edges: [],
      },
    });
    expect(validation).toEqual({
      valid: false,
      issues: [
        { path: "nodes.only.params.nope", message: `Unknown parameter nope; ${flakyTakes}` },
      ],
    });

    const event = await api.events.emit({
      name: "catalog.records-imported",
      data: { batch: "b1", records: 3, source: "upload" },
    });
    expect(event.triggered).toEqual([
      {
        jobId: "fixtures.on-import",
        error: "Unknown parameter source; fixtures.on-import takes batch, records",
        issues: [
          {
            path: "params.source",
            message: "Unknown parameter source; fixtures.on-import takes batch, records",
          },
        ],
      },
    ]);
    await expectNothingStored(t.database.url);
  });

  it("keep a nested object as its schema says, and extra keys where the job admits them", async () => {
    const registry = createJobRegistry([
      {
        definition: jobWithParams(
          "fixtures.nested",
          z.object({ filter: z.object({ year: z.number() }) }),
        ),
        file: null,
      },
      {
        definition: jobWithParams("fixtures.loose", z.looseObject({ year: z.number() })),
        file: null,
      },
      {
        definition: jobWithParams("fixtures.strict", z.strictObject({ year: z.number() })),
        file: null,
      },
    ]);
    await using t = await createTestEngine({ registry });
    const { engine } = t;
    const nested = await engine.runs.start({
      jobId: "fixtures.nested",
      params: { filter: { year: 1900, extra: true } },
      createdBy: "ana",
    });
    expect(await storedParams(engine, nested.id)).toEqual({ filter: { year: 1900 } });
    const loose = await engine.runs.start({
      jobId: "fixtures.loose",
      params: { year: 1900, extra: true },
      createdBy: "ana",
    });
    expect(await storedParams(engine, loose.id)).toEqual({ year: 1900, extra: true });
    // A strict schema's extra key is named once, as any other unknown key.
    const strict = (await rejection(
      engine.runs.start({
        jobId: "fixtures.strict",
        params: { year: 1900, extra: true },
        createdBy: "ana",
      }),
    )) as InvalidParamsError;
    expect(strict.message).toBe("Unknown parameter extra; fixtures.strict takes year");
    expect(strict.issues).toEqual([
      { path: "params.extra", message: "Unknown parameter extra; fixtures.strict takes year" },
    ]);
  });
});
