import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { NotFoundError } from "@docket/sdk";
import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
import { UsageError } from "../errors.ts";
import { formatCount, printJson, printLine } from "../output.ts";

export const runFileCommand = defineCommand({
  name: "run-file",
  summary:
    "Write a file a run produced (e.g. records.csv of records.export-csv) to stdout or a file.",
  positionals: [
    { name: "runId", description: "The run's id." },
    { name: "name", description: "The file's name, e.g. records.csv (its report lists them)." },
  ],
  options: {
    output: {
      type: "string",
      short: "o",
      valueName: "PATH",
      description: "Write the file here (replacing it) instead of to stdout.",
    },
    ...clientOptions,
  },
  details: [
    "The file is streamed in chunks as it is read, so any size works. With --json (which needs --output) it prints { runId, name, path, bytes }.",
  ],
  examples: [
    "docket run-file 0b7c6a7e-1f7e-4c59-9d43-3c1c3a8f9d10 records.csv > records.csv",
    "docket run-file 0b7c6a7e-1f7e-4c59-9d43-3c1c3a8f9d10 records.csv --output export.csv --json",
  ],
  async run({ values, positionals, json }) {
    const [runId = "", name = ""] = positionals;
    const output = values.output;
    if (json && output === undefined) {
      throw new UsageError("--json needs --output: without it, stdout carries the file itself.");
    }
    return withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      async ({ api, readRunFile }) => {
        // Checked first, so an unknown file names the run's files and no output file is created.
        const files = await api.runs.files.query({ id: runId });
        if (!files.some((file) => file.name === name)) {
          const known = files.length
            ? `Its files: ${files.map((file) => file.name).join(", ")}.`
            : "It has no files.";
          throw new NotFoundError(`Run ${runId} has no file "${name}". ${known}`);
        }
        let bytes = 0;
        const chunks = Readable.from(
          (async function* () {
            for await (const chunk of readRunFile(runId, name)) {
              bytes += Buffer.byteLength(chunk);
              yield chunk;
            }
          })(),
        );
        if (output === undefined) {
          // stdout stays open: main.ts flushes it before exiting.
          await pipeline(chunks, process.stdout, { end: false });
          return 0;
        }
        try {
          await pipeline(chunks, createWriteStream(output));
        } catch (error) {
          await rm(output, { force: true }); // no half-written file left behind
          throw error;
        }
        const resolved = path.resolve(output);
        if (json) printJson({ runId, name, path: resolved, bytes });
        else
          printLine(`Wrote ${name} of run ${runId} to ${resolved} (${formatCount(bytes)} bytes).`);
        return 0;
      },
    );
  },
});
