import { type FieldIssue, InvalidParamsError } from "@docket/sdk";
import type { Transaction } from "kysely";
import type { Database } from "../database/schema.ts";
import { writeSubscription } from "../notifications/subscribe.ts";
import {
  maxScheduleSubscribers,
  type ScheduleSubscriber,
  type ScheduleSubscriberInput,
  scheduleSubscriberSchema,
} from "../notifications/subscriptionInput.ts";

/**
 * Checks the subscribers a schedule is saved with, all of them: each invalid
 * one is an issue at its index (`subscribers.1.email`), and so is an address
 * listed twice. Nothing is dropped: one bad subscriber refuses the whole save.
 */
export function checkScheduleSubscribers(
  subscribers: readonly ScheduleSubscriberInput[],
): ScheduleSubscriber[] {
  const issues: FieldIssue[] = [];
  const messages: string[] = [];
  if (subscribers.length > maxScheduleSubscribers) {
    const message = `A schedule has at most ${maxScheduleSubscribers} subscribers (got ${subscribers.length})`;
    throw new InvalidParamsError(`${message}.`, [{ path: "subscribers", message }]);
  }
  const checked: ScheduleSubscriber[] = [];
  const firstIndexOf = new Map<string, number>();
  subscribers.forEach((subscriber, index) => {
    const label = `Subscriber ${index + 1}${describeEmail(subscriber)}`;
    const result = scheduleSubscriberSchema.safeParse(subscriber);
    if (!result.success) {
      for (const issue of result.error.issues) {
        issues.push({
          path: ["subscribers", String(index), ...issue.path.map(String)].join("."),
          message: issue.message,
        });
        messages.push(`${label}: ${issue.message}.`);
      }
      return;
    }
    const earlier = firstIndexOf.get(result.data.email);
    if (earlier !== undefined) {
      const message = `${result.data.email} is already subscriber ${earlier + 1}: list an address once`;
      issues.push({ path: `subscribers.${index}.email`, message });
      messages.push(`${label}: ${message}.`);
      return;
    }
    firstIndexOf.set(result.data.email, index);
    checked.push(result.data);
  });
  if (issues.length > 0) {
    throw new InvalidParamsError(messages.join(" "), issues);
  }
  return checked;
}

/**
 * Makes `subscribers` the schedule's subscribers, in `trx`: addresses no longer
 * listed are unsubscribed, the others keep (or get) one subscription each with
 * their choices. New ones are recorded as created by `createdBy`.
 */
export async function replaceScheduleSubscribers(
  trx: Transaction<Database>,
  scheduleId: string,
  subscribers: readonly ScheduleSubscriber[],
  createdBy: string,
): Promise<void> {
  let removed = trx.deleteFrom("notification_subscriptions").where("schedule_id", "=", scheduleId);
  const kept = subscribers.map((subscriber) => subscriber.email);
  if (kept.length > 0) removed = removed.where("email", "not in", kept);
  await removed.execute();
  const { institution } = await trx
    .selectFrom("schedules")
    .select("institution")
    .where("id", "=", scheduleId)
    .executeTakeFirstOrThrow();
  for (const subscriber of subscribers) {
    await writeSubscription(trx, { scheduleId }, subscriber, createdBy, institution);
  }
}

function describeEmail(subscriber: unknown): string {
  const email = (subscriber as { email?: unknown } | null)?.email;
  if (typeof email !== "string" || email.trim() === "") return "";
  const shown = email.trim();
  return ` ("${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown}")`;
}
