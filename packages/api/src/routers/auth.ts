import { type Engine, maxPasswordLength, passwordSchema } from "@docket/engine";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import {
  clearedSessionCookie,
  clientAddress,
  isSecureRequest,
  sessionCookie,
} from "../authentication.ts";
import type { Caller } from "../context.ts";
import { isNetworkCaller } from "../institutionAccess.ts";
import { withIsoDates } from "../isoDates.ts";
import { authedProcedure, publicProcedure, router } from "../trpc.ts";

/** The signed-in user as the designer's header shows it. */
function describeCaller(caller: Caller) {
  return {
    id: caller.userId ?? null,
    name: caller.name,
    displayName: caller.name === "local" && !caller.userId ? "Local administrator" : caller.name,
    role: caller.role,
    via: caller.via ?? "local",
  };
}

/** An institution as callers see it. */
export interface InstitutionView {
  readonly code: string;
  readonly name: string;
  readonly timeZone: string;
  readonly kind: "member" | "network";
}

/** The caller's institution, and the ones they may read: all for the network role, else their own. */
export async function institutionsOf(
  engine: Engine,
  caller: Caller,
): Promise<{ institution: InstitutionView; institutions: InstitutionView[] }> {
  const own = await engine.institutions.get(caller.institution);
  const view = ({ code, name, timeZone, kind }: InstitutionView): InstitutionView => ({
    code,
    name,
    timeZone,
    kind,
  });
  const institutions = isNetworkCaller(caller)
    ? (await engine.institutions.list()).map(view)
    : [view(own)];
  return { institution: view(own), institutions };
}

export const authRouter = router({
  /**
   * Signs in with a user name and password: opens a session and sets its
   * httpOnly cookie. Repeated failures (per user and per address) are slowed
   * down: TOO_MANY_REQUESTS says when to try again.
   */
  login: publicProcedure
    .input(
      z
        .object({
          name: z.string().trim().min(1, "Enter your user name").max(200),
          password: z.string().min(1, "Enter your password").max(maxPasswordLength),
        })
        .strict(),
    )
    .mutation(
      withIsoDates(async ({ ctx, input }) => {
        const req = ctx.http?.req;
        const result = await ctx.engine.users.signIn(input, {
          address: req ? clientAddress(req, ctx.settings.trustProxy) : null,
          userAgent: req?.headers["user-agent"] ?? null,
        });
        if (ctx.http) {
          ctx.http.res.setHeader(
            "set-cookie",
            sessionCookie(
              result.sessionToken,
              result.expiresAt,
              isSecureRequest(ctx.http.req, ctx.settings.trustProxy),
            ),
          );
        }
        return { user: result.user, expiresAt: result.expiresAt };
      }),
    ),

  /** Ends this session and clears its cookie. */
  logout: authedProcedure.mutation(async ({ ctx }) => {
    if (ctx.caller.sessionId) await ctx.engine.users.signOut(ctx.caller.sessionId);
    if (ctx.http) {
      ctx.http.res.setHeader(
        "set-cookie",
        clearedSessionCookie(isSecureRequest(ctx.http.req, ctx.settings.trustProxy)),
      );
    }
    return { signedOut: true };
  }),

  /**
   * Who is signed in, the institution they act for, and the institutions they
   * see: every one for the network role, else just their own (the designer
   * offers an institution filter only when there is more than one).
   */
  me: authedProcedure.query(async ({ ctx }) => {
    const { institution, institutions } = await institutionsOf(ctx.engine, ctx.caller);
    // How many institutions the Docket serves (a count, no names): the designer names the
    // caller's institution in its header only when there is more than one.
    const institutionCount = (await ctx.engine.institutions.list()).length;
    const described = {
      ...describeCaller(ctx.caller),
      institution,
      institutions,
      institutionCount,
    };
    if (!ctx.caller.userId) return described;
    const user = await ctx.engine.users.get(ctx.caller.userId);
    return { ...described, displayName: user.displayName };
  }),

  /** Changes the caller's own password; their other sessions end. */
  changePassword: authedProcedure
    .input(
      z
        .object({
          currentPassword: z.string().min(1).max(maxPasswordLength),
          newPassword: passwordSchema,
        })
        .strict(),
    )
    .mutation(async ({ ctx, input }) => {
      if (!ctx.caller.userId) {
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: "The local administrator has no password; use `docket users` instead.",
        });
      }
      await ctx.engine.users.changeOwnPassword({
        userId: ctx.caller.userId,
        currentPassword: input.currentPassword,
        newPassword: input.newPassword,
        ...(ctx.caller.sessionId ? { sessionHash: ctx.caller.sessionId } : {}),
      });
      return { changed: true };
    }),
});
