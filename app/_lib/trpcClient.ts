import type { AppRouter } from "@docket/api";
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCLink,
} from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { observable } from "@trpc/server/observable";
import { createTRPCContext } from "@trpc/tanstack-react-query";

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
export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    signInWhenUnauthorized,
    splitLink({
      condition: (op) => op.type === "subscription",
      true: httpSubscriptionLink({ url: "/api/trpc" }),
      false: httpBatchLink({ url: "/api/trpc" }),
    }),
  ],
});

/**
 * Components read and change Docket through TanStack Query: `useTRPC()` gives
 * each procedure's `queryOptions` / `mutationOptions` / `subscriptionOptions`
 * and its keys for invalidation. The provider sits in QueryProvider.tsx.
 */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** What each procedure answers (dates arrive as ISO strings). */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
/** What each procedure takes. */
export type RouterInputs = inferRouterInputs<AppRouter>;

/** A job type as `jobs.list` returns it. */
export type JobSummary = RouterOutputs["jobs"]["list"][number];
/** One job type with schema, policy and graph, as `jobs.get` returns it. */
export type JobDetail = RouterOutputs["jobs"]["get"];
/** A run as the API returns it (dates arrive as ISO strings). */
export type RunView = RouterOutputs["runs"]["get"];
/** One entry of a run's history. */
export type RunEventView = RouterOutputs["runs"]["history"][number];
/** A run status. */
export type RunStatusName = RunView["status"];
/** A set with its member count, as `sets.list` returns it. */
export type SetSummaryView = RouterOutputs["sets"]["list"][number];
/** The signed-in user. */
export type CurrentUser = RouterOutputs["auth"]["me"];
