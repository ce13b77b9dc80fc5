import { fileURLToPath } from "node:url";
import { createJobRegistry, loadJobRegistry } from "@docket/engine/testing";
import {
  type AnyJobDefinition,
  defineJob,
  InvalidJobDefinitionError,
  importRecords,
  NonRetriableError,
  processRecords,
} from "@docket/sdk";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { fromPromise, setup } from "xstate";
import { z } from "zod";
import { explainDuplicateOutcome } from "../packages/engine/src/records/duplicateOutcome.ts";
import { createTestDatabase } from "./support/testDatabase.ts";

const jobsDir = fileURLToPath(new URL("../jobs/", import.meta.url));
const Params = z.object({});
type Params = z.infer<typeof Params>;

const list = processRecords({
  target: "items",
  perRecord: (item) => ({ output: { barcode: item.barcode } }),
  output: { file: "items.csv", columns: ["barcode"] },
});
const change = processRecords({
  target: "items",
  perRecord: () => ({ change: { notes: "checked" } }),
});
const importCsv = importRecords({
  target: "records",
  csv: () => ({ text: "title\nOne\n" }),
  columns: { required: ["title"], optional: [] },
  toRecord: (row) => ({ title: row.title ?? "" }),
});
const notify = fromPromise(async () => "sent");

/** A job on items whose machine is `states`, with every actor above registered. */
function jobWith(id: string, states: Record<string, unknown>): AnyJobDefinition {
  return defineJob({
    id,
    title: id,
    category: "Tests",
    description: "A job of this test.",
    params: Params,
    target: "items",
    machine: setup({
      types: { input: {} as Params, context: {} as Params },
      actors: { list, change, importCsv, notify },
    }).createMachine({
      id: "machine",
      context: ({ input }) => input,
      initial: Object.keys(states)[0],
      // The states are built by each test; their shape is checked by the registry, not here.
      states: states as Record<string, object>,
    }),
  });
}

const invoking = (src: string, onDone: string) => ({
  invoke: { id: src, src, input: ({ context }: { context: Params }) => context, onDone },
});
const done = { type: "final" };

const load = (definition: AnyJobDefinition) =>
  createJobRegistry([{ definition, file: null }]).get(definition.id);

describe("record steps in one job", () => {
  it("refuses two different record steps at load, naming the job, the states and what to do", () => {
    const job = jobWith("demo.two-steps", {
      listing: invoking("list", "changing"),
      changing: invoking("change", "done"),
      done,
    });
    expect(() => load(job)).toThrow(InvalidJobDefinitionError);
    expect(() => load(job)).toThrow(
      'Job "demo.two-steps" in (registered in code) processes records in two steps ("listing" and "changing"): ' +
        "a run processes its set's records in one step, since its outcomes, cursor and restore are per run. " +
        "Decide everything in that one step's perRecord or perChunk (a result may carry both a change and an output row), " +
        "or make two jobs and chain them in a workflow.",
    );
  });

  it("refuses one record step invoked in two states, nested and parallel ones included", () => {
    const job = jobWith("demo.twice", {
      first: {
        initial: "inner",
        states: { inner: invoking("change", "#machine.both") },
      },
      both: {
        type: "parallel",
        states: {
          left: { initial: "work", states: { work: invoking("change", "end"), end: done } },
          right: { initial: "work", states: { work: invoking("notify", "end"), end: done } },
        },
        onDone: "done",
      },
      done,
    });
    expect(() => load(job)).toThrow(
      'Job "demo.twice" in (registered in code) processes records in two steps ("first.inner" and "both.left.work"):',
    );
  });

  it("refuses an import beside another record step: both write the run's population and outcomes", () => {
    const job = jobWith("demo.import-then-change", {
      importing: invoking("importCsv", "changing"),
      changing: invoking("change", "done"),
      done,
    });
    expect(() => load(job)).toThrow(
      'Job "demo.import-then-change" in (registered in code) writes records in two steps ("importing" (importRecords) and "changing" (processRecords)): ' +
        "a run has one population and one outcome per record, written by one processRecords or importRecords step. " +
        "Make one job per step and run them one after the other, e.g. chained in a workflow.",
    );
    const twoImports = jobWith("demo.two-imports", {
      first: invoking("importCsv", "second"),
      second: invoking("importCsv", "done"),
      done,
    });
    expect(() => load(twoImports)).toThrow(
      'Job "demo.two-imports" in (registered in code) writes records in two steps ("first" (importRecords) and "second" (importRecords)):',
    );
  });

  it("loads a job with one record step among ordinary steps and delays", () => {
    const job = jobWith("demo.one-step", {
      waiting: { after: { 1000: "listing" } },
      listing: invoking("list", "notifying"),
      notifying: invoking("notify", "done"),
      done,
    });
    expect(load(job).id).toBe("demo.one-step");
  });

  it("loads the demo catalog, whose jobs each have at most one record step", async () => {
    const registry = await loadJobRegistry(jobsDir);
    expect(registry.list().map((job) => job.id)).toEqual(
      expect.arrayContaining(["items.change-policy", "records.export-csv", "records.import-csv"]),
    );
  });

  it("explains a second outcome for a record instead of the raw constraint, should one ever happen", async () => {
    await using database = await createTestDatabase();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const insert = (memberId: number) =>
      client.query(
        "insert into run_records (run_id, member_id, outcome) values ('00000000-0000-4000-8000-000000000001', $1, 'unchanged')",
        [memberId],
      );
    const secondFails = async (memberId: number) => {
      await insert(memberId);
      return insert(memberId).then(
        () => new Error("the second outcome was accepted"),
        (error: unknown) => explainDuplicateOutcome(error),
      );
    };
    try {
      const record = await secondFails(42);
      expect(record).toBeInstanceOf(NonRetriableError);
      expect((record as Error).message).toBe(
        "Record 42 already has an outcome in this run: a run records one outcome per record, in one record step (processRecords or importRecords), and a second one ran. " +
          "Keep one record step per job, or make two jobs and chain them in a workflow.",
      );
      expect((await secondFails(-3)) as Error).toHaveProperty(
        "message",
        expect.stringMatching(/^The CSV row on line 3 already has an outcome in this run:/),
      );
      const other = new Error("connection lost");
      expect(explainDuplicateOutcome(other)).toBe(other);
    } finally {
      await client.end();
    }
  });
});
