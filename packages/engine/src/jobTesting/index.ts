/**
 * Testing a job (`@docket/sdk/testing`): a real engine on its own database,
 * a clock the test moves forward, and a replay check of a run's journal.
 */
export {
  createJobTestEnvironment,
  type JobTestEnvironment,
  type JobTestOptions,
  type TestRun,
  type TestRunInput,
  type TestRunResult,
} from "./jobTestEnvironment.ts";
export type { ReplayReport } from "./replayRun.ts";
