import { printNote } from "./output.ts";

/**
 * Resolves on the first SIGINT or SIGTERM, so a long-running command can stop
 * gracefully. A second signal exits at once (exit code 1) for the impatient.
 * Listen early: a signal during start-up then stops the command once it is up.
 */
export function shutdownRequested(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const first = (signal: NodeJS.Signals) => {
      process.off("SIGINT", first);
      process.off("SIGTERM", first);
      const second = () => {
        printNote(
          "Stopping at once (second signal); runs in flight are recovered by other workers.",
        );
        process.exit(1);
      };
      process.on("SIGINT", second);
      process.on("SIGTERM", second);
      resolve(signal);
    };
    process.on("SIGINT", first);
    process.on("SIGTERM", first);
  });
}
