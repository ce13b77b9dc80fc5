import { InvalidParamsError } from "@docket/sdk";
import { z } from "zod";
import type { Workflow } from "./workflow.ts";

/** The file format of an exported workflow. */
export const workflowExportFormat = "docket.workflow";
/** Largest accepted import, in characters. */
export const maxWorkflowImportLength = 2 * 1024 * 1024;

const WorkflowExport = z
  .object({
    format: z.literal(workflowExportFormat),
    formatVersion: z.literal(1),
    id: z.uuid().optional(),
    version: z.number().int().min(1).optional(),
    exportedAt: z.string().max(64).optional(),
    definition: z.unknown(),
  })
  .strict();

/** A workflow version as a JSON document (pretty-printed); {@link parseWorkflowExport} reads it back. */
export function exportWorkflow(workflow: Workflow): string {
  return `${JSON.stringify(
    {
      format: workflowExportFormat,
      formatVersion: 1,
      id: workflow.id,
      version: workflow.version,
      exportedAt: new Date().toISOString(),
      definition: workflow.definition,
    },
    null,
    2,
  )}\n`;
}

/**
 * Reads an exported workflow: its id (if any) and its definition, still to be
 * validated. Malformed JSON or another format is an InvalidParamsError saying
 * what is wrong.
 */
export function parseWorkflowExport(json: string): { id?: string; definition: unknown } {
  if (json.length > maxWorkflowImportLength) {
    throw new InvalidParamsError(
      `The file is ${json.length} characters; a workflow export is at most ${maxWorkflowImportLength}.`,
      [{ path: "json", message: "Too large" }],
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new InvalidParamsError(
      `The file is not valid JSON (${(error as Error).message}); export the workflow again with \`docket workflows export\`.`,
      [{ path: "json", message: `Not JSON: ${(error as Error).message}` }],
    );
  }
  const parsed = WorkflowExport.safeParse(value);
  if (!parsed.success) {
    throw new InvalidParamsError(
      `The file is not a Docket workflow export (${workflowExportFormat}, format version 1): ${parsed.error.issues
        .map((issue) => `${issue.path.join(".") || "(file)"}: ${issue.message}`)
        .join("; ")}`,
      parsed.error.issues.map((issue) => ({
        path: ["json", ...issue.path.map(String)].join("."),
        message: issue.message,
      })),
    );
  }
  return {
    ...(parsed.data.id ? { id: parsed.data.id } : {}),
    definition: parsed.data.definition,
  };
}
