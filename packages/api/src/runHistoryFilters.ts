import type { RunFilters } from "@docket/engine";
import { runStatuses } from "@docket/sdk";
import { z } from "zod";
import type { Caller } from "./context.ts";
import { readableInstitution } from "./institutionAccess.ts";
import { visibleCreatorFor } from "./permissions.ts";

/**
 * Filters of the run history (the monitor's History tab, `runs.list` and the
 * CSV export): one schema, so a list and its export always show the same runs.
 */
export const runHistoryFiltersShape = {
  status: z.array(z.enum(runStatuses)).max(runStatuses.length).optional(),
  jobId: z.string().min(1).max(200).optional(),
  /** Runs of this workflow. */
  workflowId: z.uuid({ message: "Workflow ids are UUIDs" }).optional(),
  category: z.string().min(1).max(200).optional(),
  createdBy: z.string().min(1).max(200).optional(),
  /** Runs started by users whose names begin with this (case-insensitive). */
  creatorPrefix: z.string().min(1).max(200).optional(),
  /** Created at or after (ISO 8601). */
  from: z.coerce.date().optional(),
  /** Created before (ISO 8601). */
  to: z.coerce.date().optional(),
  /** Case-insensitive search over job title and id, run description, error, parameter values and set name. */
  text: z.string().max(200).optional(),
  /** `mine`: runs the caller started. Default: every run the caller may see. */
  scope: z.enum(["mine", "all"]).optional(),
  /**
   * The network role: runs of this institution only (its code). Everyone else
   * always sees their own institution's runs, whatever they ask for.
   */
  institution: z.string().min(1).max(32).optional(),
};

export const runHistoryFiltersSchema = z.object(runHistoryFiltersShape).strict();
export type RunHistoryFilters = z.infer<typeof runHistoryFiltersSchema>;

/**
 * The engine's filters for what `caller` may see: their own institution's runs
 * (the network role: every institution's, or the one it filters by); staff only
 * ever see their own runs, whatever they ask for; `scope: "mine"` narrows
 * anyone to their own.
 */
export function toRunFilters(caller: Caller, filters: RunHistoryFilters): RunFilters {
  const { scope, createdBy, institution: asked, ...rest } = filters;
  const institution = readableInstitution(caller, asked);
  const creator = visibleCreatorFor(caller) ?? (scope === "mine" ? caller.name : createdBy);
  return {
    ...rest,
    ...(institution === undefined ? {} : { institution }),
    ...(creator === undefined ? {} : { createdBy: creator }),
  };
}

/** The filters as a query string (`status` repeated), as the CSV export reads them back. */
export function toSearchParams(filters: RunHistoryFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.set(key, value instanceof Date ? value.toISOString() : String(value));
  }
  return params;
}

/** Reads filters from a query string; `status` may repeat or be comma-separated. */
export function parseSearchParams(
  params: URLSearchParams,
): ReturnType<typeof runHistoryFiltersSchema.safeParse> {
  const raw: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    raw[key] =
      key === "status"
        ? params.getAll(key).flatMap((value) => value.split(",").filter(Boolean))
        : params.get(key);
  }
  return runHistoryFiltersSchema.safeParse(raw);
}
