import { logger } from "@docket/engine";
import type { Role } from "@docket/sdk";
import { DocketError, ForbiddenError, InvalidParamsError } from "@docket/sdk";
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { refusals } from "./authentication.ts";
import type { ApiContext, Caller } from "./context.ts";
import { describeZodError, errorData, toTRPCError } from "./errors.ts";
import { isNetworkCaller, networkRefusal, ownAccountMutations } from "./institutionAccess.ts";
import { measureProcedure } from "./procedureMetrics.ts";

const t = initTRPC.context<ApiContext>().create({
  errorFormatter({ shape, error }) {
    const message = error.cause instanceof ZodError ? describeZodError(error.cause) : shape.message;
    // Stacks stay in the server's log, not in responses.
    return { ...shape, message, data: { ...shape.data, stack: undefined, ...errorData(error) } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

// Outermost, so each call is timed with the code its caller gets (procedureMetrics.ts).
const measuredProcedure = t.procedure.use(measureProcedure);

/**
 * Open to anonymous callers: only login and health. Every procedure builds on
 * it: text with NUL characters (which PostgreSQL cannot store) is refused up
 * front, Docket errors become their tRPC codes, and values PostgreSQL rejects
 * as data (out of range, malformed) are the caller's BAD_REQUEST, not a 500.
 */
export const publicProcedure = measuredProcedure.use(async ({ next, path, getRawInput }) => {
  const nulAt = findNulCharacter(await getRawInput().catch(() => undefined));
  if (nulAt !== null) {
    const where = nulAt === "" ? "The input" : `"${nulAt}"`;
    throw toTRPCError(
      new InvalidParamsError(
        `${where} contains a NUL character (\\u0000), which Docket cannot store.`,
        [{ path: nulAt, message: "Remove the NUL character (\\u0000)" }],
      ),
    );
  }
  const result = await next();
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR") {
    const cause = result.error.cause;
    if (cause instanceof DocketError) throw toTRPCError(cause);
    if (isPostgresDataException(cause)) {
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: `Invalid value: ${cause.message}.`,
        cause,
      });
    }
    logger.error({ err: cause ?? result.error, procedure: path }, "An API procedure failed");
  }
  return result;
});

/** The path of the first string or key holding U+0000, or null. */
function findNulCharacter(value: unknown, path = ""): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (!value || typeof value !== "object") return null;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key.includes("\u0000")) return at;
    const found = findNulCharacter(item, at);
    if (found !== null) return found;
  }
  return null;
}

/** PostgreSQL's SQLSTATE class 22, "data exception": a value the caller sent was unusable. */
function isPostgresDataException(error: unknown): error is Error & { code: string } {
  if (!(error instanceof Error) || error.constructor.name !== "DatabaseError") return false;
  const { code } = error as Error & { code?: unknown };
  return typeof code === "string" && code.startsWith("22");
}

/**
 * Any signed-in user; `ctx.caller` is then never null. A network-role caller
 * is refused every mutation but those on their own account, here, once, so no
 * procedure can forget it.
 */
export const authedProcedure = publicProcedure.use(({ ctx, next, path, type }) => {
  if (!ctx.caller) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: ctx.refusal ?? refusals.anonymous });
  }
  if (isNetworkCaller(ctx.caller) && type === "mutation" && !ownAccountMutations.has(path)) {
    throw toTRPCError(networkRefusal(mutationWords[path] ?? `do "${path}"`));
  }
  return next({ ctx: { ...ctx, caller: ctx.caller satisfies Caller } });
});

/** What a refused mutation would have done, in the refusal's words. */
const mutationWords: Readonly<Record<string, string>> = {
  "runs.start": "start a run",
  "runs.abort": "abort a run",
  "runs.abortMany": "abort runs",
  "runs.retry": "retry a run",
  "runs.retryMany": "retry runs",
  "runs.restore": "restore a run",
  "runs.restartOnCurrentVersion": "restart runs",
  "runs.clearInactive": "clear runs",
  "workflows.start": "start a workflow",
  "schedules.runNow": "run a schedule",
};

/** Signed-in users with one of `roles`; anyone else gets FORBIDDEN naming the role needed. */
export function roleProcedure(...roles: readonly [Role, ...Role[]]) {
  return authedProcedure.use(({ ctx, next, path }) => {
    if (!roles.includes(ctx.caller.role)) {
      throw toTRPCError(
        new ForbiddenError(
          `Permission "${path}" is missing: it needs the ${roles.join(" or ")} role; you are signed in as ${ctx.caller.role}.`,
          `role:${roles.join("|")}`,
        ),
      );
    }
    return next();
  });
}

/** Admins only: schedules, users, notification settings. */
export const adminProcedure = roleProcedure("admin");
/** Staff and admins: anything that changes data, for viewers read only. */
export const staffProcedure = roleProcedure("staff", "admin");
