import { dashboardRouter } from "./routers/dashboard.ts";
import { eventsRouter } from "./routers/events.ts";
import { jobsRouter } from "./routers/jobs.ts";
import { notificationsRouter } from "./routers/notifications.ts";
import { runsRouter } from "./routers/runs.ts";
import { schedulesRouter } from "./routers/schedules.ts";
import { setsRouter } from "./routers/sets.ts";
import { createCallerFactory, router } from "./trpc.ts";

/** The one door to Docket: the designer and the CLI use nothing else. */
export const appRouter = router({
  jobs: jobsRouter,
  runs: runsRouter,
  sets: setsRouter,
  events: eventsRouter,
  dashboard: dashboardRouter,
  notifications: notificationsRouter,
  schedules: schedulesRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in-process, without HTTP (the CLI's local mode, tests). */
export const createCaller = createCallerFactory(appRouter);
