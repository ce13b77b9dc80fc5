import { roles } from "@docket/sdk";
import { z } from "zod";
import { maxPasswordLength, minPasswordLength } from "./password.ts";

export const maxUserNameLength = 64;
export const maxDisplayNameLength = 200;

export const userNameSchema = z
  .string()
  .trim()
  .min(2, "A user name has at least 2 characters")
  .max(maxUserNameLength)
  .regex(
    /^[a-z0-9][a-z0-9._-]*$/,
    "Use lower-case letters, digits, '.', '_' and '-' (e.g. ana.lopez)",
  );
export const passwordSchema = z
  .string()
  .min(minPasswordLength, `A password has at least ${minPasswordLength} characters`)
  .max(maxPasswordLength);
export const roleSchema = z.enum(roles);

export const createUserInputSchema = z
  .object({
    name: userNameSchema,
    displayName: z.string().trim().min(1).max(maxDisplayNameLength).optional(),
    role: roleSchema,
    password: passwordSchema,
    /** The institution's code; default the default institution. */
    institution: z.string().min(1).max(32).optional(),
  })
  .strict();

/** A new user; the display name defaults to the user name. */
export type CreateUserInput = z.input<typeof createUserInputSchema>;
