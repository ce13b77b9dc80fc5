import { z } from "zod";
import { parseInput } from "../validation/parseInput.ts";

/** RFC 5321's limit on a forward path. */
export const maxEmailLength = 254;

/** An email address, trimmed and in lower case so one address is one subscriber. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(maxEmailLength, `Email addresses have at most ${maxEmailLength} characters`)
  .pipe(z.email({ message: "Enter an email address, e.g. ana@example.org" }));

/**
 * What `subscribe` takes besides its creator: exactly one of `jobId` and
 * `scheduleId`, an email address, and at least one of `onSuccess` (default
 * false) and `onError` (default true). Shared with the API, so both answer the
 * same field issues.
 */
export const subscriptionInputSchema = z
  .object({
    jobId: z.string().min(1).max(200).optional(),
    scheduleId: z.uuid({ message: "Schedule ids are UUIDs" }).optional(),
    email: emailSchema,
    onSuccess: z.boolean().default(false),
    onError: z.boolean().default(true),
  })
  .strict()
  .refine((input) => (input.jobId === undefined) !== (input.scheduleId === undefined), {
    message: "Give exactly one of jobId or scheduleId",
    path: ["jobId"],
  })
  .refine((input) => input.onSuccess || input.onError, {
    message: "Choose onSuccess, onError or both; a subscription to neither mails nobody",
    path: ["onError"],
  });

export type SubscriptionInput = z.input<typeof subscriptionInputSchema>;

/** Most subscribers one schedule is saved with. */
export const maxScheduleSubscribers = 100;

/**
 * One subscriber saved with its schedule (`schedules.create` / `update`): an
 * email address and when to mail it, `onSuccess` (default false) and `onError`
 * (default true), at least one of them.
 */
export const scheduleSubscriberSchema = z
  .object({
    email: emailSchema,
    onSuccess: z.boolean().default(false),
    onError: z.boolean().default(true),
  })
  .strict()
  .refine((input) => input.onSuccess || input.onError, {
    message: "Choose on success, on error or both; a subscriber to neither is mailed nothing",
    path: ["onError"],
  });

export type ScheduleSubscriberInput = z.input<typeof scheduleSubscriberSchema>;
export type ScheduleSubscriber = z.output<typeof scheduleSubscriberSchema>;
export type ParsedSubscriptionInput = z.output<typeof subscriptionInputSchema>;

/** Parses a subscription; an {@link InvalidParamsError} names every bad field. */
export function parseSubscriptionInput(input: SubscriptionInput): ParsedSubscriptionInput {
  return parseInput(subscriptionInputSchema, input, { subject: "subscription" });
}
