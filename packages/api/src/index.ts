/**
 * The Docket API: one tRPC router, used by the designer, the CLI and scripts.
 * Procedures are tested without HTTP through {@link createCaller}.
 */

/** The most due times `schedules.preview` lists at once. */
export { maxPreviewCount } from "@docket/engine";
export { type ApiContext, type Caller, createApiContext, localCaller } from "./context.ts";
export type { DocketErrorData } from "./errors.ts";
export { historyCsvColumns, streamHistoryCsv } from "./historyCsv.ts";
export { createApiRequestHandler, maxRequestBodyBytes } from "./http.ts";
export { type AppRouter, appRouter, createCaller } from "./root.ts";
