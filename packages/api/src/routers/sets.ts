import {
  describeSetFields,
  maxItemizedMembers,
  maxSetDescriptionLength,
  maxSetNameLength,
  parseBarcodeList,
  setFilterInputSchema,
  unknownSet,
} from "@docket/engine";
import { ForbiddenError, targetKinds } from "@docket/sdk";
import { z } from "zod";
import { readable, readableInstitution, writable } from "../institutionAccess.ts";
import { withIsoDates } from "../isoDates.ts";
import { authedProcedure, router, staffProcedure } from "../trpc.ts";

const setId = z.uuid({ message: "Set ids are UUIDs" });
const target = z.enum(targetKinds);
const name = z.string().trim().min(1).max(maxSetNameLength);
const description = z.string().max(maxSetDescriptionLength).optional();
/** Room for a million barcodes of up to 40 characters, one per line. */
const maxBarcodesTextLength = 41 * maxItemizedMembers;
/**
 * The network role's institution filter (its code); for everyone else it is
 * ignored: they always read their own institution's sets and catalog.
 */
const institution = z.string().min(1).max(32).optional();

/**
 * Sets and the catalog they draw on belong to one institution: callers read
 * and change their own institution's only (another's set answers as an
 * unknown id), the network role reads every institution's.
 */
export const setsRouter = router({
  /** Sets by name with their current member counts, optionally of one target; each names its institution. */
  list: authedProcedure
    .input(z.object({ target: target.optional(), institution }).strict().optional())
    .query(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.sets.list({
          target: input?.target,
          institution: readableInstitution(ctx.caller, input?.institution),
        }),
      ),
    ),

  /** One set, its member count and a page of its members (pass `nextCursor` back as `cursor`). */
  get: authedProcedure
    .input(
      z
        .object({
          id: setId,
          cursor: z
            .string()
            .regex(/^\d{1,18}$/, "Pass a nextCursor from a previous page")
            .optional(),
          limit: z.number().int().min(1).max(500).default(50),
        })
        .strict(),
    )
    .query(
      withIsoDates(async ({ ctx, input }) => {
        const page = await ctx.engine.sets.get(input);
        readable(ctx.caller, page.set, () => unknownSet(input.id));
        return page;
      }),
    ),

  /** The fields a filter over each target may test, with their operators (the designer's pickers). */
  fields: authedProcedure
    .input(z.object({ target }).strict())
    .query(({ input }) => describeSetFields(input.target)),

  /**
   * The values a filter field holds now with how many records hold each, the
   * most common first (a value equal to `prefix` before them): the designer's
   * suggestions, so values are chosen from the data. Dates are refused.
   */
  fieldValues: authedProcedure
    .input(
      z
        .object({
          target,
          field: z.string().min(1).max(100),
          prefix: z.string().max(200).optional(),
          limit: z.number().int().min(1).max(100).optional(),
          institution,
        })
        .strict(),
    )
    .query(({ ctx, input }) =>
      ctx.engine.sets.fieldValues({
        ...input,
        institution: readableInstitution(ctx.caller, input.institution),
      }),
    ),

  /**
   * Saves an itemized set from ids, barcodes, or `barcodesText` (pasted or
   * uploaded: one barcode per line or a CSV's first column, header `barcode`
   * optional), all or nothing: an entry matching nothing is BAD_REQUEST with an
   * issue at its index (`barcodes.3`, `memberIds.0`) and saves nothing, unless
   * `skipUnknown` asks to save the rest; those entries then come back in `unknown`.
   * The set is the caller's institution's, and only its records match: another
   * institution's id or barcode is unknown.
   */
  createItemized: staffProcedure
    .input(
      z
        .object({
          name,
          description,
          target,
          memberIds: z
            .array(z.union([z.string().max(40), z.number().int().nonnegative()]))
            .max(maxItemizedMembers)
            .optional(),
          barcodes: z.array(z.string().max(100)).max(maxItemizedMembers).optional(),
          barcodesText: z.string().max(maxBarcodesTextLength).optional(),
          skipUnknown: z.boolean().optional(),
        })
        .strict()
        .refine(
          (input) =>
            [input.memberIds, input.barcodes, input.barcodesText].filter((v) => v !== undefined)
              .length === 1,
          {
            message: "Give exactly one of memberIds, barcodes or barcodesText",
            path: ["memberIds"],
          },
        ),
    )
    .mutation(
      withIsoDates(({ ctx, input }) => {
        const { barcodesText, ...set } = input;
        const barcodes = barcodesText === undefined ? set.barcodes : parseBarcodeList(barcodesText);
        return ctx.engine.sets.createItemized({
          ...set,
          barcodes,
          createdBy: ctx.caller.name,
          institution: ctx.caller.institution,
        });
      }),
    ),

  /**
   * Saves a logical set in the caller's institution (its filter matches that
   * institution's records only); a filter naming unknown fields or bad values
   * is refused with field paths.
   */
  createLogical: staffProcedure
    .input(z.object({ name, description, target, filter: setFilterInputSchema }).strict())
    .mutation(
      withIsoDates(({ ctx, input }) =>
        ctx.engine.sets.createLogical({
          ...input,
          createdBy: ctx.caller.name,
          institution: ctx.caller.institution,
        }),
      ),
    ),

  /** How many of the institution's records a filter matches now, without saving it (the designer's live count). */
  count: authedProcedure
    .input(z.object({ target, filter: setFilterInputSchema, institution }).strict())
    .query(async ({ ctx, input }) => ({
      count: await ctx.engine.sets.countFilter({
        ...input,
        institution: readableInstitution(ctx.caller, input.institution),
      }),
    })),

  /** Deletes a set (staff: their own); refused while a run that has not ended uses it. */
  delete: staffProcedure.input(z.object({ id: setId }).strict()).mutation(
    withIsoDates(async ({ ctx, input }) => {
      const notFound = () => unknownSet(input.id);
      const { set } = await ctx.engine.sets.get({ id: input.id, limit: 1 });
      writable(ctx.caller, set, notFound);
      if (ctx.caller.role !== "admin" && set.createdBy !== ctx.caller.name) {
        throw new ForbiddenError(
          `Permission "delete others' sets" is missing: set "${set.name}" was created by ${set.createdBy}; only admins delete other users' sets.`,
          "sets.delete-others",
        );
      }
      return ctx.engine.sets.delete(input.id, ctx.caller.institution);
    }),
  ),
});
