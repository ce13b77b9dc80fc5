import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { type SeedCatalogOptions, type SeedCatalogReport, seedCatalog } from "./seedCatalog.ts";

/** The demo library catalog the example jobs work on (engine.catalog). */
export interface CatalogService {
  /** Fills the catalog with generated records; see {@link SeedCatalogOptions}. */
  seed(options: SeedCatalogOptions): Promise<SeedCatalogReport>;
}

export function createCatalogService(db: Kysely<Database>): CatalogService {
  return { seed: (options) => seedCatalog(db, options) };
}
