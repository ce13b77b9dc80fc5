import type { Kysely } from "kysely";
import { seedExampleSets } from "../catalog/seedExampleSets.ts";
import type { Database } from "../database/schema.ts";
import { type CountSetFilterInput, countSetFilter } from "./countSetFilter.ts";
import {
  type CreateItemizedSetInput,
  type CreateItemizedSetResult,
  createItemizedSet,
} from "./createItemizedSet.ts";
import { type CreateLogicalSetInput, createLogicalSet } from "./createLogicalSet.ts";
import { deleteSet } from "./deleteSet.ts";
import { type GetSetInput, getSet, type SetPage } from "./getSet.ts";
import { type ListSetsInput, listSets } from "./listSets.ts";
import type { RecordSet, SetSummary } from "./recordSet.ts";
import { type SetFieldValues, type SetFieldValuesInput, setFieldValues } from "./setFieldValues.ts";

/** Record sets as the engine offers them (engine.sets): itemized lists and saved filters. */
export interface SetService {
  createItemized(input: CreateItemizedSetInput): Promise<CreateItemizedSetResult>;
  createLogical(input: CreateLogicalSetInput): Promise<SetSummary>;
  /** Counts a filter's matches without saving it (the designer's live count). */
  countFilter(input: CountSetFilterInput): Promise<number>;
  /** The values a filter field holds now, with counts (the designer's value suggestions). */
  fieldValues(input: SetFieldValuesInput): Promise<SetFieldValues>;
  list(input?: ListSetsInput): Promise<SetSummary[]>;
  /** Any institution's set: callers check whose it is (`set.institution`). */
  get(input: GetSetInput): Promise<SetPage>;
  /** Given `institution`, another institution's set is unknown. */
  delete(setId: string, institution?: string): Promise<RecordSet>;
  /** The demo's example sets, over the institution's seeded catalog (default the default institution). */
  seedExamples(createdBy: string, institution?: string): Promise<SetSummary[]>;
}

export function createSetService(db: Kysely<Database>): SetService {
  return {
    createItemized: (input) => createItemizedSet(db, input),
    createLogical: (input) => createLogicalSet(db, input),
    countFilter: (input) => countSetFilter(db, input),
    fieldValues: (input) => setFieldValues(db, input),
    list: (input) => listSets(db, input),
    get: (input) => getSet(db, input),
    delete: (setId, institution) => deleteSet(db, setId, institution),
    seedExamples: (createdBy, institution) => seedExampleSets(db, createdBy, institution),
  };
}
