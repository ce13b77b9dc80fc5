import { passwordSchema, roleSchema, userNameSchema } from "@docket/engine";
import { z } from "zod";
import { withIsoDates } from "../isoDates.ts";
import { adminProcedure, router } from "../trpc.ts";

/** A user id (UUID) or user name. */
const userRef = z.string().trim().min(1).max(100);

/** Admins manage users; every procedure here needs the admin role. */
export const usersRouter = router({
  list: adminProcedure.query(withIsoDates(({ ctx }) => ctx.engine.users.list())),

  get: adminProcedure
    .input(z.object({ user: userRef }).strict())
    .query(withIsoDates(({ ctx, input }) => ctx.engine.users.get(input.user))),

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
    .mutation(withIsoDates(({ ctx, input }) => ctx.engine.users.create(input))),

  setRole: adminProcedure
    .input(z.object({ user: userRef, role: roleSchema }).strict())
    .mutation(withIsoDates(({ ctx, input }) => ctx.engine.users.setRole(input.user, input.role))),

  setDisabled: adminProcedure
    .input(z.object({ user: userRef, disabled: z.boolean() }).strict())
    .mutation(
      withIsoDates(({ ctx, input }) => ctx.engine.users.setDisabled(input.user, input.disabled)),
    ),

  /** Sets a user's password; all their sessions end. */
  resetPassword: adminProcedure
    .input(z.object({ user: userRef, password: passwordSchema }).strict())
    .mutation(
      withIsoDates(({ ctx, input }) => ctx.engine.users.resetPassword(input.user, input.password)),
    ),
});
