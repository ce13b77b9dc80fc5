import { ForbiddenError } from "@docket/sdk";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { withIsoDates } from "../isoDates.ts";
import { authedProcedure, router } from "../trpc.ts";

/**
 * API tokens for scripts and the CLI (`Authorization: Bearer <token>`): each acts
 * as the user who created it, with that user's role, in that user's
 * institution. Admins manage their institution's tokens; another institution's
 * token answers as an unknown one.
 */
export const tokensRouter = router({
  /** The caller's tokens; admins may ask for all of their institution's with `all`. */
  list: authedProcedure
    .input(
      z
        .object({ all: z.boolean().default(false) })
        .strict()
        .optional(),
    )
    .query(
      withIsoDates(({ ctx, input }) => {
        const institution = ctx.caller.institution;
        if (input?.all && ctx.caller.role === "admin") {
          return ctx.engine.users.listTokens({ institution });
        }
        if (input?.all) {
          throw new TRPCError({
            code: "FORBIDDEN",
            message: "Only admins list other users' tokens.",
          });
        }
        return ctx.engine.users.listTokens({
          institution,
          ...(ctx.caller.userId ? { userId: ctx.caller.userId } : {}),
        });
      }),
    ),

  /**
   * Creates a token acting as the caller (admins: as `userName` of their
   * institution, e.g. a service account); its secret is in the answer and never shown again.
   */
  create: authedProcedure
    .input(
      z
        .object({
          name: z.string().trim().min(1).max(100),
          expiresInDays: z.number().int().min(1).max(3650).optional(),
          userName: z.string().trim().min(1).max(100).optional(),
        })
        .strict(),
    )
    .mutation(
      withIsoDates(async ({ ctx, input }) => {
        const { userName, ...token } = input;
        // The CLI on the database has no user of its own, even when it bears a user's name (`--as`).
        const forSomeoneElse = userName !== ctx.caller.name || !ctx.caller.userId;
        if (userName !== undefined && forSomeoneElse) {
          if (ctx.caller.role !== "admin") {
            throw new ForbiddenError(
              'Permission "create tokens for others" is missing: only admins create tokens for other users.',
              "tokens.create-for-others",
            );
          }
          const user = await ctx.engine.users.get(userName, ctx.caller.institution);
          return ctx.engine.users.createToken(user.id, token);
        }
        if (!ctx.caller.userId) {
          throw new TRPCError({
            code: "BAD_REQUEST",
            message:
              "The local administrator has no tokens of its own: pass userName to create one for a user.",
          });
        }
        return ctx.engine.users.createToken(ctx.caller.userId, token);
      }),
    ),

  /** Revokes one of the caller's tokens (admins: any of their institution's). */
  revoke: authedProcedure
    .input(z.object({ id: z.uuid({ message: "Token ids are UUIDs" }) }).strict())
    .mutation(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.users.revokeToken(input.id, {
          userId: ctx.caller.userId ?? null,
          asAdmin: ctx.caller.role === "admin",
          institution: ctx.caller.institution,
        }),
      ),
    ),
});
