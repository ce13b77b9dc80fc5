import { runStatuses } from "@docket/sdk/vocabulary";
import type { RunStatusName } from "../_lib/trpcClient.ts";

export const monitorTabs = ["running", "scheduled", "history"] as const;
export type MonitorTab = (typeof monitorTabs)[number];

/** The monitor's filters, as they sit in the address (so a filtered view can be shared or bookmarked). */
export interface MonitorFilters {
  readonly tab: MonitorTab;
  readonly status: RunStatusName | "";
  readonly category: string;
  readonly jobId: string;
  readonly createdBy: string;
  /** `YYYY-MM-DD`, inclusive. */
  readonly from: string;
  /** `YYYY-MM-DD`, inclusive. */
  readonly to: string;
  readonly text: string;
  /** An institution's code: the network role's choice (others only ever see their own). */
  readonly institution: string;
}

export const filterKeys = [
  "status",
  "category",
  "jobId",
  "createdBy",
  "from",
  "to",
  "text",
  "institution",
] as const;

export function readMonitorFilters(params: URLSearchParams): MonitorFilters {
  const tab = params.get("tab");
  const status = params.get("status") ?? "";
  return {
    tab: monitorTabs.includes(tab as MonitorTab) ? (tab as MonitorTab) : "running",
    status: (runStatuses as readonly string[]).includes(status) ? (status as RunStatusName) : "",
    category: params.get("category") ?? "",
    jobId: params.get("jobId") ?? "",
    createdBy: params.get("createdBy") ?? "",
    from: dateOrEmpty(params.get("from")),
    to: dateOrEmpty(params.get("to")),
    text: params.get("text") ?? "",
    institution: params.get("institution") ?? "",
  };
}

function dateOrEmpty(value: string | null): string {
  return value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : "";
}

export function writeMonitorFilters(filters: MonitorFilters): string {
  const params = new URLSearchParams();
  params.set("tab", filters.tab);
  for (const key of filterKeys) if (filters[key]) params.set(key, filters[key]);
  return params.toString();
}

/**
 * The `runs.list` filters of a tab: the Running tab shows runs that have not
 * ended, History those that have; a chosen status narrows either. Dates are
 * whole local days. `runs.counts` takes the same without `status`.
 */
export function toRunQuery(filters: MonitorFilters, tabStatuses: readonly RunStatusName[]) {
  // A status of the other tab (from an old link) is ignored rather than matching nothing.
  const status =
    filters.status && tabStatuses.includes(filters.status) ? [filters.status] : [...tabStatuses];
  return {
    status,
    ...(filters.category ? { category: filters.category } : {}),
    ...(filters.jobId ? { jobId: filters.jobId } : {}),
    // The creator filter matches names beginning with what was typed: "sa" finds sam and sara.
    ...(filters.createdBy.trim() ? { creatorPrefix: filters.createdBy.trim() } : {}),
    ...(filters.from ? { from: new Date(`${filters.from}T00:00:00`).toISOString() } : {}),
    ...(filters.to ? { to: nextDay(filters.to) } : {}),
    ...(filters.text.trim() ? { text: filters.text.trim() } : {}),
    ...(filters.institution ? { institution: filters.institution } : {}),
  };
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00`);
  date.setDate(date.getDate() + 1);
  return date.toISOString();
}
