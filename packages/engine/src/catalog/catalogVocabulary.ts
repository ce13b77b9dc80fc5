/**
 * Words the demo catalog is made of. A value's weight is how often it appears
 * in its list: the seed picks an index with a hash of the row number, so
 * repeating a value makes it proportionally more common.
 */

export const libraries = [
  ...repeat("Main Library", 9),
  ...repeat("Science Library", 5),
  ...repeat("Law Library", 3),
  ...repeat("Music Library", 3),
];

export const locations = [
  ...repeat("Stacks", 12),
  ...repeat("Reference", 2),
  ...repeat("Reserve", 2),
  ...repeat("Periodicals", 2),
  "Oversize",
  "Special Collections",
];

/** Policies of items in ordinary locations; Reference, Reserve and Special Collections imply theirs. */
export const circulatingPolicies = [...repeat("Regular loan", 17), "Short loan", "Non-circulating"];

export const itemNotes = [
  "Spine damaged",
  "Gift of the Friends of the Library",
  "Missing dust jacket",
  "Annotated by a previous owner",
  "Signed by the author",
  "Rebound 1998",
  "Includes CD-ROM",
  "Water damage on lower edge",
];

/** 31 topics: a prime count, so three steps of the same stride from any start never collide. */
export const subjects = [
  "Architecture",
  "Astronomy",
  "Biology",
  "Botany",
  "Chemistry",
  "Constitutional law",
  "Contracts",
  "Criminal law",
  "Economics",
  "Education",
  "Engineering",
  "Ethics",
  "Geology",
  "History",
  "Human rights",
  "International law",
  "Jazz",
  "Linguistics",
  "Mathematics",
  "Medicine",
  "Music theory",
  "Opera",
  "Painting",
  "Philosophy",
  "Physics",
  "Poetry",
  "Political science",
  "Psychology",
  "Sociology",
  "Symphonies",
  "Zoology",
];

export const subdivisions = [
  "History",
  "Bibliography",
  "Periodicals",
  "Study and teaching",
  "Dictionaries",
  "Congresses",
  "Biography",
  "Sources",
  "Handbooks, manuals, etc.",
  "Philosophy",
];

export const titleAdjectives = [
  "Modern",
  "Early",
  "Hidden",
  "Practical",
  "Comparative",
  "Collected",
  "Forgotten",
  "Critical",
  "Northern",
  "Illustrated",
  "Complete",
  "New",
];

export const titleNouns = [
  "Voices",
  "Foundations",
  "Letters",
  "Principles",
  "Landscapes",
  "Methods",
  "Studies",
  "Conversations",
  "Traditions",
  "Essays",
  "Patterns",
  "Frontiers",
];

export const places = [
  "Europe",
  "the Americas",
  "Asia",
  "Africa",
  "the Ancient World",
  "the Baltic",
  "Scandinavia",
  "the Mediterranean",
];

export const publishers = [
  "Harbor Press",
  "Meridian Books",
  "Northbridge University Press",
  "Atlas & Sons",
  "Lindqvist Forlag",
  "Crown Street Publishing",
];

export const publicationPlaces = ["London", "New York", "Berlin", "Paris", "Stockholm", "Toronto"];

export const firstNames = [
  "Ada",
  "Bruno",
  "Clara",
  "Dmitri",
  "Elena",
  "Farid",
  "Greta",
  "Hugo",
  "Ines",
  "Jonas",
  "Kaori",
  "Luis",
  "Mira",
  "Nils",
  "Olga",
  "Pavel",
  "Rosa",
  "Sami",
  "Tove",
  "Yusuf",
];

export const lastNames = [
  "Andersen",
  "Baptiste",
  "Castillo",
  "Dubois",
  "Eriksson",
  "Fischer",
  "Garcia",
  "Haddad",
  "Ivanova",
  "Jensen",
  "Kowalski",
  "Larsen",
  "Moreau",
  "Nakamura",
  "Okafor",
  "Petrov",
  "Quinn",
  "Rossi",
  "Schmidt",
  "Tanaka",
  "Usman",
  "Virtanen",
  "Weber",
  "Zhang",
];

function repeat<T>(value: T, times: number): T[] {
  return Array.from({ length: times }, () => value);
}
