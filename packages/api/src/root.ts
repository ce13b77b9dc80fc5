import { z } from "zod";
import { authRouter } from "./routers/auth.ts";
import { dashboardRouter } from "./routers/dashboard.ts";
import { eventsRouter } from "./routers/events.ts";
import { institutionsRouter } from "./routers/institutions.ts";
import { jobsRouter } from "./routers/jobs.ts";
import { notificationsRouter } from "./routers/notifications.ts";
import { runsRouter } from "./routers/runs.ts";
import { schedulesRouter } from "./routers/schedules.ts";
import { setsRouter } from "./routers/sets.ts";
import { tokensRouter } from "./routers/tokens.ts";
import { usersRouter } from "./routers/users.ts";
import { workersRouter } from "./routers/workers.ts";
import { workflowsRouter } from "./routers/workflows.ts";
import { createCallerFactory, publicProcedure, router } from "./trpc.ts";

/** The one door to Docket: the designer and the CLI use nothing else. */
export const appRouter = router({
  /** Liveness for load balancers and monitors; the only procedure besides auth.login open to anonymous callers. */
  health: publicProcedure.input(z.void()).query(() => ({ ok: true as const })),
  auth: authRouter,
  users: usersRouter,
  tokens: tokensRouter,
  institutions: institutionsRouter,
  jobs: jobsRouter,
  runs: runsRouter,
  sets: setsRouter,
  events: eventsRouter,
  dashboard: dashboardRouter,
  notifications: notificationsRouter,
  schedules: schedulesRouter,
  workflows: workflowsRouter,
  workers: workersRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in-process, without HTTP (the CLI's local mode, tests). */
export const createCaller = createCallerFactory(appRouter);
