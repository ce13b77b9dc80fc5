import { readFile } from "node:fs/promises";
import { text } from "node:stream/consumers";
import { clientOptions, defineCommand } from "../command.ts";
import { type DocketApi, withConnection } from "../connection.ts";
import { UsageError } from "../errors.ts";
import { formatTable, formatTimestamp, printJson, printLine } from "../output.ts";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A workflow's id from its id or exact name. */
async function resolveWorkflowId(api: DocketApi, idOrName: string): Promise<string> {
  if (idOrName === "") throw new UsageError("Name the workflow: its id or exact name.");
  if (uuidPattern.test(idOrName)) return idOrName;
  const workflows = await api.workflows.list.query();
  const found = workflows.find((workflow) => workflow.name === idOrName);
  if (!found) {
    const known = workflows.map((workflow) => `"${workflow.name}"`).join(", ") || "(none)";
    throw new UsageError(`No workflow is named "${idOrName}". Workflows: ${known}.`);
  }
  return found.id;
}

export const workflowsListCommand = defineCommand({
  name: "workflows list",
  summary: "List the workflows by name, with their latest version and the jobs they run.",
  options: { ...clientOptions },
  examples: ["docket workflows list", "docket workflows list --json"],
  async run({ values, json }) {
    const workflows = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      ({ api }) => api.workflows.list.query(),
    );
    if (json) printJson(workflows);
    else if (workflows.length === 0) {
      printLine("No workflows. Compose one in the designer, or `docket workflows import` a file.");
    } else {
      printLine(
        formatTable(
          ["ID", "NAME", "VERSION", "NODES", "JOBS", "UPDATED"],
          workflows.map((workflow) => [
            workflow.id,
            workflow.name,
            String(workflow.latestVersion),
            String(workflow.nodeCount),
            workflow.jobIds.join(", "),
            formatTimestamp(workflow.updatedAt),
          ]),
        ),
      );
    }
    return 0;
  },
});

export const workflowsExportCommand = defineCommand({
  name: "workflows export",
  summary: "Print a workflow as JSON, for `docket workflows import` here or on another Docket.",
  positionals: [{ name: "workflow", description: "The workflow's id or exact name." }],
  options: {
    version: {
      type: "string",
      valueName: "N",
      description: "The version to export. Default: the latest.",
    },
    ...clientOptions,
  },
  examples: [
    'docket workflows export "Nightly reshelving" > reshelving.json',
    "docket workflows export 6f1c…e2 --version 3 > v3.json",
  ],
  async run({ values, positionals }) {
    const version = values.version === undefined ? undefined : Number(values.version);
    if (version !== undefined && (!Number.isInteger(version) || version < 1)) {
      throw new UsageError(`--version takes a version number (1, 2, …), not "${values.version}".`);
    }
    const json = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      async ({ api }) =>
        api.workflows.export.query({
          id: await resolveWorkflowId(api, positionals[0] ?? ""),
          ...(version === undefined ? {} : { version }),
        }),
    );
    process.stdout.write(json);
    return 0;
  },
});

export const workflowsImportCommand = defineCommand({
  name: "workflows import",
  summary: "Save a workflow from a file `docket workflows export` wrote (`-` reads stdin).",
  positionals: [{ name: "file", description: "The exported JSON file, or - for stdin." }],
  options: { ...clientOptions },
  details: [
    "A file exported from this Docket saves a new version of the same workflow (none if the definition is already its latest); from elsewhere, it creates the workflow. The definition is validated first: an invalid or malformed file saves nothing.",
  ],
  examples: ["docket workflows import reshelving.json"],
  async run({ values, positionals, json }) {
    const file = positionals[0];
    if (!file) throw new UsageError("Give the file to import (or - for stdin).");
    let content: string;
    try {
      content = file === "-" ? await text(process.stdin) : await readFile(file, "utf8");
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new UsageError(`Cannot read "${file}" (${reason}).`);
    }
    const workflow = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      ({ api }) => api.workflows.import.mutate({ json: content }),
    );
    if (json) printJson(workflow);
    else
      printLine(`Saved workflow "${workflow.name}" (${workflow.id}), version ${workflow.version}.`);
    return 0;
  },
});
