const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` can be a Docket id (runs, sets, schedules, workflows, users…: UUIDs). */
export function isUuid(id: string): boolean {
  return uuidPattern.test(id);
}
