import { randomUUID } from "node:crypto";
import { appRouter, type Caller, createApiContext, createCaller } from "@docket/api";
import { TRPCError } from "@trpc/server";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { insertCatalog } from "./support/catalogFixture.ts";
import { createTestEngine } from "./support/testEngine.ts";

/**
 * Property: whatever input any procedure receives, it answers with success or a
 * 4xx-class error (BAD_REQUEST, NOT_FOUND, CONFLICT, FORBIDDEN, …) — never 500.
 * Inputs are random JSON, and objects with the procedure's own field names
 * holding random values (including real ids from the database), so that
 * validation passes often enough to reach the engine.
 */

interface ZodLike {
  readonly _zod: {
    readonly def: {
      readonly type: string;
      readonly shape?: Record<string, unknown>;
      readonly innerType?: ZodLike;
      readonly in?: ZodLike;
    };
  };
}

type Procedure = { _def: { type: string; inputs: ZodLike[] } };

function procedures(): Array<[string, Procedure]> {
  return Object.entries(
    (appRouter as unknown as { _def: { procedures: Record<string, Procedure> } })._def.procedures,
  );
}

/** The field names of a procedure's input object, looking through optional/default/pipe wrappers. */
function fieldNames(schema: ZodLike | undefined): string[] {
  let current = schema;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const def = current._zod.def;
    if (def.type === "object") return Object.keys(def.shape ?? {});
    current = def.innerType ?? def.in;
  }
  return [];
}

/** Values a field might plausibly get, from nonsense to real ids. */
function fieldValue(realIds: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(...realIds),
    fc.uuid(),
    fc.string({ maxLength: 30 }),
    fc.constantFrom(
      "",
      " ",
      "items",
      "records",
      "fixtures.noop",
      "fixtures.flaky",
      "daily",
      "admin",
      "all",
      "mine",
      "2026-01-01T00:00:00Z",
      "0 3 * * *",
      "Europe/Berlin",
      "../../etc/passwd",
      "'; drop table runs; --",
      "\u0000",
      "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    ),
    fc.integer(),
    fc.double(),
    fc.constantFrom(
      0,
      -1,
      1,
      2 ** 31,
      Number.MAX_SAFE_INTEGER,
      Number.NaN,
      Number.POSITIVE_INFINITY,
    ),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.integer()), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
    fc.record(
      {
        kind: fc.constantFrom("cron", "daily", "weekly", "monthly", "hourly", "job", "delay"),
        time: fc.constantFrom("02:30", "25:99", "x"),
        cron: fc.string({ maxLength: 20 }),
        day: fc.oneof(fc.integer(), fc.constantFrom("mon", "sun")),
        minute: fc.integer(),
      },
      { requiredKeys: ["kind"] },
    ),
  );
}

function inputFor(names: readonly string[], realIds: readonly string[]): fc.Arbitrary<unknown> {
  const shaped =
    names.length === 0
      ? fc.constant({})
      : fc.dictionary(fc.constantFrom(...names), fieldValue(realIds), { maxKeys: names.length });
  return fc.oneof(
    { weight: 6, arbitrary: shaped },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const serverErrorCodes = new Set([
  "INTERNAL_SERVER_ERROR",
  "NOT_IMPLEMENTED",
  "BAD_GATEWAY",
  "SERVICE_UNAVAILABLE",
  "GATEWAY_TIMEOUT",
]);

/**
 * Calls a procedure by path. A subscription is read for its first item at most:
 * its caller's signal is aborted after 200 ms, which ends a stream that has
 * nothing to send yet (a pending `next()` would otherwise hold `return()` forever).
 */
async function callProcedure(
  apiFor: (signal?: AbortSignal) => unknown,
  path: string,
  type: string,
  input: unknown,
): Promise<void> {
  const subscription = type === "subscription";
  const stopReading = new AbortController();
  const api = apiFor(subscription ? stopReading.signal : undefined);
  const fn = path
    .split(".")
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], api) as (
    input: unknown,
  ) => Promise<unknown>;
  const result = await fn(input);
  if (!subscription) return;
  const iterator = (result as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const timer = setTimeout(() => stopReading.abort(), 200);
  try {
    await iterator.next();
  } finally {
    clearTimeout(timer);
    stopReading.abort();
    await iterator.return?.();
  }
}

describe("every procedure, fed random input", () => {
  it("never answers with a server error", async () => {
    await using t = await createTestEngine();
    await insertCatalog(t.database.url, { items: 20 });
    const admin = await t.engine.users.create({
      name: "fuzz-admin",
      role: "admin",
      password: "fuzz password 1",
    });
    const run = await t.engine.runs.start({
      jobId: "fixtures.noop",
      params: {},
      createdBy: admin.name,
    });
    const realIds = [run.id, admin.name, admin.id, "fixtures.noop", randomUUID()];
    const caller: Caller = {
      name: admin.name,
      role: "admin",
      institution: "main",
      userId: admin.id,
      via: "session",
    };
    const context = createApiContext(t.engine, caller);
    const apiFor = (signal?: AbortSignal) => createCaller(context, signal ? { signal } : {});
    // A live stream with nothing to send yet ends once its reader stops reading.
    await callProcedure(apiFor, "runs.events", "subscription", {
      id: run.id,
      lastEventId: "9999999999",
    });
    const failures: string[] = [];
    let calls = 0;
    for (const [path, procedure] of procedures()) {
      if (path === "auth.logout") continue; // no input to vary, and it would end the fixture's session
      const names = fieldNames(procedure._def.inputs[0]);
      await fc
        .assert(
          fc.asyncProperty(inputFor(names, realIds), async (input) => {
            calls += 1;
            try {
              await callProcedure(apiFor, path, procedure._def.type, input);
            } catch (error) {
              const code = error instanceof TRPCError ? error.code : "UNCAUGHT";
              if (serverErrorCodes.has(code) || code === "UNCAUGHT") {
                failures.push(
                  `${path}(${JSON.stringify(input)?.slice(0, 300)}) → ${code}: ${(error as Error).message}`,
                );
                return false;
              }
            }
            return true;
          }),
          {
            numRuns: Number(process.env.DOCKET_FUZZ_RUNS ?? 100),
            seed: Number(process.env.DOCKET_FUZZ_SEED ?? Date.now() % 2 ** 31),
            endOnFailure: true,
          },
        )
        .catch(() => {}); // collected in `failures`, reported all together below
    }
    expect(calls).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
  }, 120_000);
});
