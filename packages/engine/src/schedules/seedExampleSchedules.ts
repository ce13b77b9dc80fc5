import type { Kysely } from "kysely";
import type { Database } from "../database/schema.ts";
import { defaultInstitutionCode } from "../institutions/institution.ts";
import type { JobRegistry } from "../registry/jobRegistry.ts";
import { type CreateScheduleInput, createSchedule } from "./createSchedule.ts";
import type { Schedule } from "./schedule.ts";

type ExampleSchedule = Omit<CreateScheduleInput, "createdBy" | "setId" | "institution"> & {
  readonly jobId: string;
  /** The example set it runs on, by name (seedExampleSets). */
  readonly setName?: string;
};

const examples: readonly ExampleSchedule[] = [
  {
    name: "Nightly loan anonymization",
    jobId: "loans.anonymize",
    params: { olderThanDays: 730 },
    setName: "Loans older than 2 years (returned)",
    timing: { kind: "daily", time: "02:30" },
    timezone: "Europe/Berlin",
    missed: "once",
    active: false,
  },
  {
    name: "Weekly history purge",
    jobId: "docket.purge-history",
    params: { olderThanDays: 180 },
    timing: { kind: "weekly", day: "sunday", time: "04:00" },
    timezone: "Europe/Berlin",
    missed: "once",
    active: false,
  },
  {
    name: "Weekly export of records published before 1950",
    jobId: "records.export-csv",
    params: { includeSubjects: true },
    setName: "Records published before 1950",
    timing: { kind: "weekly", day: "monday", time: "06:00" },
    timezone: "Europe/Berlin",
    missed: "skip",
    active: false,
  },
];

/**
 * The demo's example schedules of `institution` (default the default one),
 * inactive so nothing runs until an admin activates one. Call after
 * seedExampleSets: an example whose job or set (of that institution) does not
 * exist, or whose name the institution has taken, is left out, so calling it
 * again is harmless. Returns the schedules it created.
 */
export async function seedExampleSchedules(
  db: Kysely<Database>,
  registry: JobRegistry,
  createdBy: string,
  institution: string = defaultInstitutionCode,
): Promise<Schedule[]> {
  const taken = new Set(
    (
      await db
        .selectFrom("schedules")
        .select("name")
        .where("institution", "=", institution)
        .execute()
    ).map((row) => row.name),
  );
  const created: Schedule[] = [];
  for (const { setName, ...example } of examples) {
    if (taken.has(example.name) || !registry.find(example.jobId)) continue;
    let setId: string | undefined;
    if (setName !== undefined) {
      const set = await db
        .selectFrom("sets")
        .select("id")
        .where("institution", "=", institution)
        .where("name", "=", setName)
        .executeTakeFirst();
      if (!set) continue;
      setId = set.id;
    }
    created.push(
      await createSchedule(db, registry, {
        ...example,
        createdBy,
        institution,
        ...(setId ? { setId } : {}),
      }),
    );
  }
  return created;
}
