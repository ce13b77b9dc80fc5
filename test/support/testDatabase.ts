import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { adminQuery, databaseUrl } from "./globalSetup.ts";

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A fresh, migrated database cloned from the session's template; dropped on dispose. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("adminUrl");
  const name = `docket_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(adminUrl, `create database ${name} template ${inject("templateDatabase")}`);
  const drop = () => adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
  return { url: databaseUrl(adminUrl, name), drop, [Symbol.asyncDispose]: drop };
}
