import { passwordSchema, roleSchema, userNameSchema } from "@docket/engine";
import { z } from "zod";
import { withIsoDates } from "../isoDates.ts";
import { adminProcedure, router } from "../trpc.ts";

/** A user id (UUID) or user name. */
const userRef = z.string().trim().min(1).max(100);

/**
 * Admins manage their institution's users; every procedure here needs the
 * admin role. Another institution's user answers as an unknown one. New users
 * join the admin's institution; the `network` role is only for users of a
 * Network Zone (see the engine's manageUsers.ts).
 */
export const usersRouter = router({
  list: adminProcedure.query(
    withIsoDates(({ ctx }) => ctx.engine.users.list({ institution: ctx.caller.institution })),
  ),

  get: adminProcedure
    .input(z.object({ user: userRef }).strict())
    .query(
      withIsoDates(({ ctx, input }) => ctx.engine.users.get(input.user, ctx.caller.institution)),
    ),

  create: adminProcedure
    .input(
      z
        .object({
          name: userNameSchema,
          displayName: z.string().trim().min(1).max(200).optional(),
          role: roleSchema,
          password: passwordSchema,
        })
        .strict(),
    )
    .mutation(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.users.create({ ...input, institution: ctx.caller.institution }),
      ),
    ),

  setRole: adminProcedure
    .input(z.object({ user: userRef, role: roleSchema }).strict())
    .mutation(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.users.setRole(input.user, input.role, ctx.caller.institution),
      ),
    ),

  setDisabled: adminProcedure
    .input(z.object({ user: userRef, disabled: z.boolean() }).strict())
    .mutation(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.users.setDisabled(input.user, input.disabled, ctx.caller.institution),
      ),
    ),

  /** Sets a user's password; all their sessions end. */
  resetPassword: adminProcedure
    .input(z.object({ user: userRef, password: passwordSchema }).strict())
    .mutation(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.users.resetPassword(input.user, input.password, ctx.caller.institution),
      ),
    ),
});
