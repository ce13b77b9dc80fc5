import { defineCommand } from "../command.ts";
import { readConfig } from "../config.ts";
import { serve, startOptions } from "./start.ts";

export const devCommand = defineCommand({
  name: "dev",
  summary:
    "Run Docket as `docket start` does, reloading job files as you edit them: type-checked first, no restart.",
  options: startOptions,
  details: [
    "Everything `docket start` does (see `docket start --help`), and it watches the jobs directory (DOCKET_JOBS_DIR, else jobs/). When a job file is added, changed or removed, the directory is type-checked with the repository's tsconfig.json, then its jobs are reloaded into the running engine: new runs use them within about a second (runs under way carry on as after a deploy: see docs/durability.md, Versions).",
    "Type errors and job definitions the engine refuses (an id that does not match its file, an invalid queue …) are printed as `jobs/x.ts:12:5 error TS2322: …`, and nothing is reloaded: the jobs as they were keep serving until a fix is saved.",
    "Helper modules in the jobs directory are re-read with the jobs that import them. A job on a task queue the worker did not start with prints a warning: its runs wait until `docket dev` is restarted.",
    'With --json, each reload is one JSON line (event "jobs-reloaded" or "jobs-not-reloaded", with its problems).',
  ],
  examples: ["docket dev", "DOCKET_JOBS_DIR=my-jobs docket dev --no-web"],
  run: (input) => {
    const { jobsDir = "jobs" } = readConfig().engine;
    return serve(input, async (engine) => {
      // Loaded only here: other commands need neither the compiler nor the file watcher.
      const { watchJobs } = await import("../dev/jobWatcher.ts");
      return watchJobs(engine, { jobsDir, json: input.json });
    });
  },
});
