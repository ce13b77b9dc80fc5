import { DocketError } from "@docket/sdk";
import { initTRPC } from "@trpc/server";
import { ZodError } from "zod";
import type { ApiContext } from "./context.ts";
import { describeZodError, errorData, toTRPCError } from "./errors.ts";

const t = initTRPC.context<ApiContext>().create({
  errorFormatter({ shape, error }) {
    const message = error.cause instanceof ZodError ? describeZodError(error.cause) : shape.message;
    // Stacks stay in the server's log, not in responses.
    return { ...shape, message, data: { ...shape.data, stack: undefined, ...errorData(error) } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Every procedure: Docket errors become their tRPC codes; unexpected ones are logged. */
export const publicProcedure = t.procedure.use(async ({ next, path }) => {
  const result = await next();
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR") {
    const cause = result.error.cause;
    if (cause instanceof DocketError) throw toTRPCError(cause);
    console.error(`[api] ${path} failed:`, cause ?? result.error);
  }
  return result;
});
