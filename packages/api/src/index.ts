/**
 * The Docket API: one tRPC router, used by the designer, the CLI and scripts.
 * Procedures are tested without HTTP through {@link createCaller}.
 */

/**
 * Limits and vocabulary the API checks input against, for clients that
 * describe them without asking (the CLI's help): the most due times
 * `schedules.preview` lists, the fields a logical set's filter may test.
 */
export { maxPreviewCount, setFilterFields } from "@docket/engine";
export type { ApiOptions } from "./apiOptions.ts";
export {
  type ApiContext,
  type Caller,
  createApiContext,
  localCaller,
  localCallerOf,
} from "./context.ts";
export type { DocketErrorData } from "./errors.ts";
export {
  historyCsvColumns,
  networkHistoryCsvColumns,
  streamHistoryCsv,
} from "./historyCsv.ts";
export { createApiRequestHandler, maxRequestBodyBytes } from "./http.ts";
export { type AppRouter, appRouter, createCaller } from "./root.ts";
