/** What an engine offers its host for operating it: a Prometheus scrape and a readiness check. */
import type { Kysely } from "kysely";
import { Registry } from "prom-client";
import type { Database } from "../database/schema.ts";
import { registerDatabaseGauges } from "./databaseGauges.ts";
import { processRegistry } from "./processMetrics.ts";
import { checkReadiness, type Readiness } from "./readiness.ts";

export type { Readiness };

export interface EngineMetrics {
  /** The Prometheus text exposition of every Docket metric (one database query for the gauges). */
  scrape(): Promise<string>;
  /** The content type of {@link scrape}'s text. */
  readonly contentType: string;
  /** The database answers, is migrated, and this process's workers heartbeat. */
  readiness(): Promise<Readiness>;
}

/**
 * One per engine: its database gauges (bound to its pool) beside the process's
 * counters. A dedicated registry rather than prom-client's default one, so the
 * gauges read the database of this engine, and a host's own metrics stay apart.
 */
export function createEngineMetrics(
  db: Kysely<Database>,
  workerIds: () => readonly string[],
): EngineMetrics {
  const gauges = new Registry();
  registerDatabaseGauges(gauges, db);
  const registry = Registry.merge([processRegistry, gauges]);
  return {
    scrape: () => registry.metrics(),
    contentType: registry.contentType,
    readiness: () => checkReadiness(db, workerIds()),
  };
}
