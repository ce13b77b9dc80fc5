import type { AppRouter } from "@docket/api";
import { createTRPCClient, httpBatchLink } from "@trpc/client";

/**
 * The designer's only door to Docket. Type-only import of the router: nothing of
 * the engine is bundled. `/api/trpc` is served by the Docket server itself
 * (`packages/cli`), next to this app, not by a Next route handler.
 */
export const trpc = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: "/api/trpc" })],
});

/** A job type as `jobs.list` returns it. */
export type JobSummary = Awaited<ReturnType<typeof trpc.jobs.list.query>>[number];
/** One job type with schema and policy, as `jobs.get` returns it. */
export type JobDetail = Awaited<ReturnType<typeof trpc.jobs.get.query>>;
/** A run as the API returns it (dates arrive as ISO strings). */
export type RunView = Awaited<ReturnType<typeof trpc.runs.get.query>>;
/** One entry of a run's history. */
export type RunEventView = Awaited<ReturnType<typeof trpc.runs.history.query>>[number];
/** A run status. */
export type RunStatusName = RunView["status"];
