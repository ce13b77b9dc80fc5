import { withIsoDates } from "../isoDates.ts";
import { authedProcedure, router } from "../trpc.ts";

export const workersRouter = router({
  /**
   * The worker processes, newest first: alive (heartbeating every 5 s), lost
   * (silent for 30 s without stopping: killed, or its machine gone) or
   * stopped; stopped and lost ones are kept a day. With each: host, pid, task
   * queues, slots in use and in all, and the version of each job it runs.
   */
  list: authedProcedure.query(withIsoDates(({ ctx }) => ctx.engine.workers.list())),
});
