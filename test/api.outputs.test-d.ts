import type { createCaller } from "@docket/api";
import { describe, expectTypeOf, it } from "vitest";

/** Where in `T` a `Date` hides, as `path.to.field` (never when there is none). */
type DatePaths<T, TPath extends string> = T extends Date
  ? TPath
  : T extends readonly (infer TItem)[]
    ? DatePaths<TItem, `${TPath}[]`>
    : T extends object
      ? { [K in keyof T & string]-?: DatePaths<T[K], `${TPath}.${K}`> }[keyof T & string]
      : never;

type Caller = ReturnType<typeof createCaller>;

/** Every procedure's output as `createCaller` returns it, searched for dates. */
type RouterDatePaths<TNode, TPath extends string> = TNode extends (
  ...args: never[]
) => Promise<infer TOutput>
  ? DatePaths<TOutput, TPath>
  : TNode extends object
    ? {
        [K in keyof TNode & string]: RouterDatePaths<
          TNode[K],
          TPath extends "" ? K : `${TPath}.${K}`
        >;
      }[keyof TNode & string]
    : never;

describe("the router's outputs", () => {
  it("carry dates as ISO-8601 strings, the same in process as over HTTP", () => {
    // A path here names a procedure output field that is a Date in process but a string over HTTP.
    expectTypeOf<RouterDatePaths<Caller, "">>().toEqualTypeOf<never>();
    // Typed, not `any`: a run's timestamps are strings, its optional ones string or null.
    type Run = Awaited<ReturnType<Caller["runs"]["get"]>>;
    expectTypeOf<Run["createdAt"]>().toEqualTypeOf<string>();
    expectTypeOf<Run["endedAt"]>().toEqualTypeOf<string | null>();
  });
});
