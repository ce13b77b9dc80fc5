import { NotFoundError } from "@docket/sdk";
import type { DocketApi } from "./connection.ts";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Names listed in the error for an unknown set; the rest are counted. */
const namesShown = 10;

/**
 * The id of the set a command line names: a UUID is taken as it is (the API
 * says if it is unknown), anything else is a set's exact name, looked up
 * through `sets.list`.
 */
export async function resolveSetId(api: DocketApi, idOrName: string): Promise<string> {
  if (uuidPattern.test(idOrName)) return idOrName;
  const sets = await api.sets.list.query({});
  const match = sets.find((set) => set.name === idOrName);
  if (match) return match.id;
  if (sets.length === 0) {
    throw new NotFoundError(
      `Unknown set "${idOrName}": there are no sets yet. \`docket seed\` adds example sets; \`docket sets create-itemized\` and \`create-logical\` make one.`,
    );
  }
  const names = sets.slice(0, namesShown).map((set) => `"${set.name}"`);
  const more = sets.length > namesShown ? `, and ${sets.length - namesShown} more` : "";
  throw new NotFoundError(
    `Unknown set "${idOrName}". Sets: ${names.join(", ")}${more} (\`docket sets list\`).`,
  );
}
