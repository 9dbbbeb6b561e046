// Owns nk's database handler: sql_exec / sql_query (Lua) and sqlExec / sqlQuery (JS) over the Db port,
// one statement with $1… parameters. Each call is one `db.query`, so the pooled connection is always
// released (the Db adapter owns acquire/release, including on errors).
//   Lua: local count = nk.sql_exec(query, params?)   local rows = nk.sql_query(query, params?)
//   JS:  nk.sqlExec(query, params?) → { rowsAffected }   nk.sqlQuery(query, params?) → rows
// Row values: INT8/NUMERIC arrive as strings (the Db contract keeps 64-bit exact), JSON/JSONB columns
// are returned as JSON text as Nakama's driver returns them (modules json_decode them), timestamps as unix
// seconds in Lua (ISO text in JS, as the JS engine renders dates), BYTEA as a byte string / ArrayBuffer.
import { jsonEncode } from "../lua/index.js";
import { isPlainObject, wrapped, type Args } from "./args.js";
import { define } from "./binding.js";
import type { NkBinding, NkCall } from "./types.js";

function luaParams(a: Args): unknown[] {
  const t = a.optTable(1);
  if (t === undefined || (isPlainObject(t) && Object.keys(t).length === 0)) return [];
  if (!Array.isArray(t)) throw a.fail(1, "expects a list of params as a table");
  return t;
}

function jsParams(a: Args): unknown[] {
  if (a.get(1) === undefined) return [];
  const v = a.get(1);
  if (!Array.isArray(v)) throw a.fail(1, "expects array of query params");
  return v;
}

function rowValue(v: unknown, lua: boolean): unknown {
  if (v instanceof Date) return lua ? Math.floor(v.getTime() / 1000) : v;
  if (v instanceof Uint8Array) return Uint8Array.from(v);
  if (isPlainObject(v)) return jsonEncode(v);
  return v;
}

function rowsOf(rows: Array<Record<string, unknown>>, lua: boolean): Array<Record<string, unknown>> {
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, rowValue(v, lua)])));
}

async function exec(call: NkCall, query: string, params: unknown[], prefix: string): Promise<number> {
  return wrapped(prefix, async () => (await call.deps.db.query(query, params)).rowCount);
}

async function select(call: NkCall, query: string, params: unknown[], prefix: string): Promise<Array<Record<string, unknown>>> {
  return wrapped(prefix, async () => (await call.deps.db.query<Record<string, unknown>>(query, params)).rows);
}

function luaQuery(a: Args): string {
  const q = a.str(0);
  if (q === "") throw a.fail(0, "expects query string");
  return q;
}

export function sqlBindings(): NkBinding[] {
  return [
    define({
      lua: "sql_exec",
      js: "sqlExec",
      luaFn: async (a, call) => [await exec(call, luaQuery(a), luaParams(a), "sql exec error")],
      jsFn: async (a, call) => ({ rowsAffected: await exec(call, a.str(0), jsParams(a), "failed to exec db query") }),
    }),
    define({
      lua: "sql_query",
      js: "sqlQuery",
      luaFn: async (a, call) => [rowsOf(await select(call, luaQuery(a), luaParams(a), "sql query error"), true)],
      jsFn: async (a, call) => rowsOf(await select(call, a.str(0), jsParams(a), "failed to exec db query"), false),
    }),
  ];
}
