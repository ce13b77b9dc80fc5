import path from "node:path";
import type { ApiOptions } from "@docket/api";
import type { EngineOptions } from "@docket/engine";
import { type Role, roles } from "@docket/sdk";
import { UsageError } from "./errors.ts";
import { parseIntegerOption } from "./parseValues.ts";
import { repoRoot } from "./paths.ts";

/**
 * The settings the engine and the API take from the environment, read and
 * checked here, once: the engine and the API read no environment themselves.
 * A malformed value is a usage error naming the variable, not a silent default.
 */
export interface DocketConfig {
  readonly engine: Pick<EngineOptions, "jobsDir" | "maxRunningRuns" | "mail" | "debug">;
  readonly api: ApiOptions;
}

type Environment = Readonly<Record<string, string | undefined>>;

export function readConfig(env: Environment = process.env): DocketConfig {
  const set = (name: string) =>
    env[name] === undefined || env[name] === "" ? undefined : env[name];
  const maxRunningRuns = set("DOCKET_MAX_RUNNING_RUNS");
  const uploadMaxBytes = set("DOCKET_UPLOAD_MAX_BYTES");
  return {
    engine: {
      jobsDir: jobsDirOf(set("DOCKET_JOBS_DIR")),
      maxRunningRuns:
        maxRunningRuns === undefined
          ? null
          : parseIntegerOption("DOCKET_MAX_RUNNING_RUNS", maxRunningRuns, 1, 1_000_000),
      mail: {
        ...optional("smtpUrl", set("SMTP_URL")),
        ...optional("from", set("DOCKET_MAIL_FROM")),
        ...optional("publicUrl", set("DOCKET_PUBLIC_URL")),
      },
      debug: set("DOCKET_DEBUG") !== undefined,
    },
    api: {
      trustProxy: flag("DOCKET_TRUST_PROXY", set("DOCKET_TRUST_PROXY")),
      allowedOrigins: list(set("DOCKET_ALLOWED_ORIGINS")),
      ...(uploadMaxBytes === undefined
        ? {}
        : {
            uploadMaxBytes: parseIntegerOption(
              "DOCKET_UPLOAD_MAX_BYTES",
              uploadMaxBytes,
              1,
              Number.MAX_SAFE_INTEGER,
            ),
          }),
      workflowEditors: list(set("DOCKET_WORKFLOW_EDITORS")).map(roleOf),
    },
  };
}

/** Job files: `DOCKET_JOBS_DIR` (relative to the working directory), else `<repo>/jobs`. */
function jobsDirOf(value: string | undefined): string {
  return value ? path.resolve(value) : path.join(repoRoot, "jobs");
}

function optional<K extends string>(key: K, value: string | undefined) {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]: string });
}

function flag(name: string, value: string | undefined): boolean {
  if (value === undefined || value === "0") return false;
  if (value === "1") return true;
  throw new UsageError(`${name} must be 1 (on) or 0 (off), got "${value}".`);
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
}

function roleOf(value: string): Role {
  if ((roles as readonly string[]).includes(value)) return value as Role;
  throw new UsageError(
    `DOCKET_WORKFLOW_EDITORS lists roles (${roles.join(", ")}), comma-separated; "${value}" is none of them.`,
  );
}
