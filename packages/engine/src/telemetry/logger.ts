/**
 * Docket's operational log: pino JSON lines on stderr (stdout stays the CLI's
 * output), one object per line with `runId`/`jobId`/`workerId` bound by child
 * loggers. In a terminal the lines are printed readable instead. The level is
 * `DOCKET_LOG_LEVEL` (default `info`).
 */
import { createRequire } from "node:module";
import { type DestinationStream, type Logger, levels, pino } from "pino";

export type { Logger };

const defaultLevel = "info";

/** The level `DOCKET_LOG_LEVEL` names, or why it names none. */
export function logLevelFrom(value: string | undefined): { level: string; problem?: string } {
  const named = value?.trim().toLowerCase();
  if (!named) return { level: defaultLevel };
  if (named === "silent" || named in levels.values) return { level: named };
  const known = [...Object.keys(levels.values), "silent"].join(", ");
  return {
    level: defaultLevel,
    problem: `DOCKET_LOG_LEVEL "${value}" is not a log level (${known}); logging at ${defaultLevel}.`,
  };
}

/** Readable lines for a person at a terminal; JSON lines for everything else (log collectors). */
function destination(): DestinationStream {
  if (process.stderr.isTTY && !process.env.DOCKET_LOG_JSON) {
    // pino-pretty is CommonJS: loaded only when a terminal will read the log.
    const pretty = createRequire(import.meta.url)("pino-pretty") as (
      options: object,
    ) => DestinationStream;
    return pretty({
      destination: 2,
      sync: true,
      singleLine: true,
      ignore: "pid,hostname",
      translateTime: "SYS:HH:MM:ss.l",
    });
  }
  return pino.destination({ dest: 2, sync: true });
}

function createLogger(): Logger {
  const { level, problem } = logLevelFrom(process.env.DOCKET_LOG_LEVEL);
  const root = pino(
    {
      level,
      base: { pid: process.pid },
      // `err` (and `error`) render message, type and stack, not `{}`.
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    destination(),
  );
  if (problem) root.warn(problem);
  return root;
}

/** The process's logger; take a `child({ … })` to bind what a line is about. */
export const logger: Logger = createLogger();
