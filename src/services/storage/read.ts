// Owns reading storage objects by id: one statement for the whole batch (a join against the ids passed
// as three arrays, so the statement text never depends on the batch size), with the client read rule
// (public objects, or owner-readable objects of the caller) or none for runtime reads. Missing or
// unreadable objects are simply absent from the result, as in Nakama. With a read coalescer in the deps
// (storageCore), concurrent reads of many requests become one statement whose ids each carry their own
// read rule (from its request's caller, null = runtime read), and every request gets back exactly what it
// alone would have read.
// Rows carry only what the ids do not: an object's collection, key and owner are the id's own (the join
// matches them exactly: text equality, canonical UUID text), so PostgreSQL neither formats nor sends them
// and the server neither decodes them nor keeps three more strings per row.
import type { api } from "../../../proto/index.js";
import { Coalescer, outcomeOf, type Outcome } from "../../lib/coalesce.js";
import { StorageText, timeColumns, toReadObject, type ReadRequest, type ReadRow, type StorageDeps, type StorageReadId } from "./types.js";
import { parseUuid } from "../../session/uuid.js";
import { internal } from "./write.js";

/** The columns of a read row (ReadRow); `prefix` qualifies them. */
const readColumns = (prefix: string): string =>
  `${prefix}value::text AS value, ${prefix}version, ${prefix}read, ${prefix}write, ${timeColumns(prefix)}`;

const ONE = `SELECT ${readColumns("")} FROM storage WHERE collection = $1 AND key = $2 AND user_id = $3`;

/**
 * The id arrays reach unnest through a subquery kept apart by OFFSET 0, so no plan ever sees their length.
 * Given them directly, a custom plan (PostgreSQL's first five executions of a prepared statement, and any
 * later one it judges cheaper) sizes unnest by the array, and a generic plan assumes 10 rows: for groups
 * mostly under 10 ids the custom plans always looked cheaper and the statement was planned again at every
 * execution (measured: 33.5 against 15.5 µs of PostgreSQL CPU per object for groups of 1–20). Hidden, both
 * estimate alike, the generic plan (the same nested loop over the primary key) wins after five executions.
 */
function idsFrom(arrayTypes: readonly string[]): string {
  const arrays = arrayTypes.map((type, i) => `$${i + 1}::${type} AS a${i + 1}`).join(", ");
  const columns = arrayTypes.map((_, i) => `p.a${i + 1}`).join(", ");
  return `(SELECT ${arrays} OFFSET 0) p CROSS JOIN LATERAL unnest(${columns}) WITH ORDINALITY`;
}

/** `n`: the 1-based position of the row's id (int4: a number, not INT8 text). */
const MANY = `SELECT t.n::int4 AS n, ${readColumns("s.")}
FROM ${idsFrom(["text[]", "text[]", "uuid[]"])} AS t(collection, key, user_id, n)
JOIN storage s ON s.collection = t.collection AND s.key = t.key AND s.user_id = t.user_id`;

const RULE_ONE = " AND (read = 2 OR (read = 1 AND user_id = $4))";
const RULE_MANY = " WHERE (s.read = 2 OR (s.read = 1 AND s.user_id = $4))";

/** Several requests' ids in one statement: each id row carries its read rule (ReadRule), worked out from its
 * request's caller and the id's owner, so PostgreSQL parses a small integer per id instead of a caller UUID. */
const GROUP = `SELECT t.n::int4 AS n, ${readColumns("s.")}
FROM ${idsFrom(["text[]", "text[]", "uuid[]", "int2[]"])} AS t(collection, key, user_id, rule, n)
JOIN storage s ON s.collection = t.collection AND s.key = t.key AND s.user_id = t.user_id
WHERE t.rule = 0 OR s.read = 2 OR (s.read = 1 AND t.rule = 1)`;

/** The client read rule of one id: 0 runtime read (every object), 1 the caller owns it (public or owner-readable
 * objects), 2 someone else's (public objects only). The join matches the owner, so "the object's user_id is the
 * caller" is "the id's owner is the caller". */
type ReadRule = 0 | 1 | 2;

function ruleOf(callerId: string | null, ownerId: string): ReadRule {
  if (callerId === null) return 0;
  if (callerId === ownerId) return 1;
  // Owners are canonical UUID text (validate.ts); a caller in another spelling is compared as PostgreSQL would.
  const caller = parseUuid(callerId);
  if (caller === null) throw new Error(`invalid input syntax for type uuid: "${callerId}"`);
  return caller === ownerId ? 1 : 2;
}

/** Statements of reads running at once before further reads wait and go together: one makes the largest
 * groups (fewest round trips; measured −25% server CPU per read against four at 32 connections). */
const READS_IN_FLIGHT = 1;
/** Statements of reads at once while a full group (GROUP_IDS) still waits. */
const READS_IN_FLIGHT_FULL = 4;
/** Most ids in one grouped read. */
const GROUP_IDS = 512;

export type ReadCoalescer = Coalescer<ReadRequest, api.StorageObject[]>;

/** One request's read as its own statement. */
async function readAlone(deps: StorageDeps, callerId: string | null, ids: readonly StorageReadId[]): Promise<api.StorageObject[]> {
  if (ids.length === 1) {
    const id = ids[0];
    const params: unknown[] = [id.collection, id.key, id.ownerId];
    if (callerId !== null) params.push(callerId);
    const { rows } = await deps.db.query<ReadRow>(callerId === null ? ONE : ONE + RULE_ONE, params);
    return rows.map((row) => toReadObject(id, row));
  }
  const params: unknown[] = [ids.map((i) => i.collection), ids.map((i) => i.key), ids.map((i) => i.ownerId)];
  if (callerId !== null) params.push(callerId);
  const { rows } = await deps.db.query<ReadRow & { n: number }>(`${MANY}${callerId === null ? "" : RULE_MANY} ORDER BY t.n`, params);
  return rows.map((row) => toReadObject(ids[row.n - 1], row));
}

/** Several requests' reads as one statement; rows are dealt back by their id's position. */
async function readGroup(deps: StorageDeps, requests: readonly ReadRequest[]): Promise<Array<Outcome<api.StorageObject[]>>> {
  if (requests.length === 1) return [await outcomeOf(() => readAlone(deps, requests[0].callerId, requests[0].ids))];
  const collections: string[] = [];
  const keys: string[] = [];
  const owners: string[] = [];
  const rules: ReadRule[] = [];
  /** For each id position (0-based), the request it belongs to and the id. */
  const requestOf: number[] = [];
  const idAt: StorageReadId[] = [];
  const outcomes: Array<Outcome<api.StorageObject[]>> = requests.map(() => ({ ok: true, value: [] }));
  requests.forEach((r, i) => {
    let own: ReadRule[];
    try {
      own = r.ids.map((id) => ruleOf(r.callerId, id.ownerId));
    } catch (error) {
      outcomes[i] = { ok: false, error };
      return;
    }
    r.ids.forEach((id, k) => {
      collections.push(id.collection);
      keys.push(id.key);
      owners.push(id.ownerId);
      rules.push(own[k]);
      requestOf.push(i);
      idAt.push(id);
    });
  });
  if (idAt.length === 0) return outcomes;
  const { rows } = await deps.db.query<ReadRow & { n: number }>(GROUP, [collections, keys, owners, rules]);
  rows.sort((a, b) => a.n - b.n);
  for (const row of rows) {
    const o = outcomes[requestOf[row.n - 1]];
    if (o.ok) o.value.push(toReadObject(idAt[row.n - 1], row));
  }
  return outcomes;
}

/**
 * The read coalescer a long-lived storage core keeps (see coalesce.ts). Groups start on the next turn
 * (gatherTurn): starting one the moment the previous statement answered sent whoever happened to wait
 * then, often a single read (at 32 connections groups of 1 and of 31 alternated, mean 12), and every
 * statement costs the server ≈50 µs and PostgreSQL ≈100 µs of CPU whatever its size. A turn later the
 * group also holds the requests read in that turn: fewer groups of one (mean ≈14 on a loaded machine;
 * server CPU per read 3–7% lower in alternated runs there, within the noise of one run).
 */
export function readCoalescer(deps: StorageDeps): ReadCoalescer {
  return new Coalescer<ReadRequest, api.StorageObject[]>((requests) => readGroup(deps, requests), READS_IN_FLIGHT, GROUP_IDS, {
    fullInFlight: READS_IN_FLIGHT_FULL,
    gatherTurn: true,
  });
}

/**
 * Reads objects by id. `callerId` null = runtime read (every object); otherwise only objects with
 * read = 2, or read = 1 owned by the caller. Results follow the order of `ids`.
 */
export async function readObjects(deps: StorageDeps, callerId: string | null, ids: readonly StorageReadId[]): Promise<api.StorageObject[]> {
  if (ids.length === 0) return [];
  try {
    if (deps.reads !== undefined) return await deps.reads.submit({ callerId, ids }, ids.length);
    return await readAlone(deps, callerId, ids);
  } catch (err) {
    throw internal(deps, StorageText.readFailed, err, "could not read storage objects");
  }
}
