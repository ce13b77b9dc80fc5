import type { AppRouter } from "@docket/api";
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCLink,
} from "@trpc/client";
import { observable } from "@trpc/server/observable";

/**
 * A session that expired while a page was open sends the reader to sign in
 * (and back here afterwards) instead of leaving every panel showing an error.
 * `auth.*` calls handle UNAUTHORIZED themselves (the guard, the sign-in form).
 */
const signInWhenUnauthorized: TRPCLink<AppRouter> =
  () =>
  ({ op, next }) =>
    observable((observer) =>
      next(op).subscribe({
        next: (value) => observer.next(value),
        error: (error) => {
          const code = (error.data as { code?: unknown } | undefined)?.code;
          if (
            code === "UNAUTHORIZED" &&
            !op.path.startsWith("auth.") &&
            typeof window !== "undefined"
          ) {
            const here = `${window.location.pathname}${window.location.search}`;
            window.location.assign(`/sign-in?next=${encodeURIComponent(here)}&ended=1`);
          }
          observer.error(error);
        },
        complete: () => observer.complete(),
      }),
    );

/**
 * The designer's only door to Docket. Type-only import of the router: nothing of
 * the engine is bundled. `/api/trpc` is served by the Docket server itself
 * (`packages/cli`), next to this app, not by a Next route handler.
 *
 * Subscriptions (a run's live history) go over Server-Sent Events, which carry
 * the session cookie and resume after the last event id on reconnect; queries
 * and mutations are batched over plain HTTP.
 */
export const trpc = createTRPCClient<AppRouter>({
  links: [
    signInWhenUnauthorized,
    splitLink({
      condition: (op) => op.type === "subscription",
      true: httpSubscriptionLink({ url: "/api/trpc" }),
      false: httpBatchLink({ url: "/api/trpc" }),
    }),
  ],
});

type Output<T extends (...args: never[]) => unknown> = Awaited<ReturnType<T>>;

/** A job type as `jobs.list` returns it. */
export type JobSummary = Output<typeof trpc.jobs.list.query>[number];
/** One job type with schema, policy and graph, as `jobs.get` returns it. */
export type JobDetail = Output<typeof trpc.jobs.get.query>;
/** A run as the API returns it (dates arrive as ISO strings). */
export type RunView = Output<typeof trpc.runs.get.query>;
/** One entry of a run's history. */
export type RunEventView = Output<typeof trpc.runs.history.query>[number];
/** A run status. */
export type RunStatusName = RunView["status"];
/** A set with its member count, as `sets.list` returns it. */
export type SetSummaryView = Output<typeof trpc.sets.list.query>[number];
/** The signed-in user. */
export type CurrentUser = Output<typeof trpc.auth.me.query>;
