/**
 * Engine internals that tests in this repository drive directly (`@docket/engine/testing`):
 * the pieces below a service, to provoke what a service alone cannot. Not for hosts.
 */
import "./index.ts"; // staff's messages, as for any use of the engine

export { csvParseOptions } from "./csvInput/readCsvRows.ts";
export {
  enqueueRunNotifications,
  type NotificationDelivery,
} from "./notifications/enqueueRunNotifications.ts";
export type { Notification } from "./notifications/notification.ts";
export { startNotificationSender } from "./notifications/notificationSender.ts";
export { notifyMissedRuns } from "./notifications/notifyRunEnded.ts";
export { createJobRegistry, JobRegistry } from "./registry/jobRegistry.ts";
export { loadJobRegistry, loadJobSources } from "./registry/loadJobs.ts";
export { fireDueSchedules } from "./schedules/fireDueSchedules.ts";
export { describeSchedule, timingFromCron } from "./schedules/scheduleTiming.ts";
export { countSetFilter } from "./sets/countSetFilter.ts";
export { createLogicalSet } from "./sets/createLogicalSet.ts";
export { snapshotSetMembers } from "./sets/snapshotSetMembers.ts";
