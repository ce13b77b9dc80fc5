import { defaultUploadMaxBytes } from "@docket/engine";
import type { Role } from "@docket/sdk";

/**
 * How the API serves requests. The host fills it from its configuration (the CLI:
 * packages/cli/src/config.ts, from the environment variables named below).
 */
export interface ApiOptions {
  /**
   * Behind a TLS-terminating proxy (`DOCKET_TRUST_PROXY=1`): trust its `X-Forwarded-Proto/-Host`
   * (Secure cookies) and take the client address from the last `X-Forwarded-For` entry.
   * Default false.
   */
  readonly trustProxy?: boolean;
  /** Other origins allowed to send state-changing requests (`DOCKET_ALLOWED_ORIGINS`). Default none. */
  readonly allowedOrigins?: readonly string[];
  /** Largest body `POST /api/uploads` accepts (`DOCKET_UPLOAD_MAX_BYTES`). Default 100 MB. */
  readonly uploadMaxBytes?: number;
  /** Roles besides admin that may create, edit, delete and import workflows (`DOCKET_WORKFLOW_EDITORS`). Default none. */
  readonly workflowEditors?: readonly Role[];
}

/** {@link ApiOptions} with every default filled in. */
export type ApiSettings = { readonly [K in keyof ApiOptions]-?: NonNullable<ApiOptions[K]> };

export function apiSettings(options: ApiOptions = {}): ApiSettings {
  return {
    trustProxy: options.trustProxy ?? false,
    allowedOrigins: options.allowedOrigins ?? [],
    uploadMaxBytes: options.uploadMaxBytes ?? defaultUploadMaxBytes,
    workflowEditors: options.workflowEditors ?? [],
  };
}
