import { NotFoundError } from "@docket/sdk";
import { z } from "zod";
import type { Caller } from "../context.ts";
import { isNetworkCaller } from "../institutionAccess.ts";
import { authedProcedure, router } from "../trpc.ts";
import { institutionsOf } from "./auth.ts";

/**
 * The institutions a caller sees: every one for the network role (the Network
 * Zone's consortium staff), else only their own. Another institution answers
 * as an unknown code, so codes reveal nothing to a member's users.
 */
export const institutionsRouter = router({
  /** Members first, then by name: all of them for the network role, else the caller's own. */
  list: authedProcedure.query(
    async ({ ctx }) => (await institutionsOf(ctx.engine, ctx.caller)).institutions,
  ),

  /** One institution by code: the caller's own (the network role: any). */
  get: authedProcedure
    .input(z.object({ code: z.string().trim().min(1).max(32) }).strict())
    .query(async ({ ctx, input }) => {
      const unknown = new NotFoundError(`Unknown institution "${input.code}".`);
      if (!mayReadInstitution(ctx.caller, input.code)) throw unknown;
      const { institutions } = await institutionsOf(ctx.engine, ctx.caller);
      const found = institutions.find((institution) => institution.code === input.code);
      if (!found) throw unknown;
      return found;
    }),
});

function mayReadInstitution(caller: Caller, code: string): boolean {
  return isNetworkCaller(caller) || caller.institution === code;
}
