// Owns the conversion of query parameters into the values both drivers receive, so a parameter means the
// same thing on PGlite and on PostgreSQL (the drivers disagree, e.g. a JS array is a Postgres array in `pg`
// but JSON in PGlite, and only `pg` accepts a bigint):
//   null/undefined → NULL; string, number, boolean → unchanged; bigint → decimal string;
//   Date → ISO-8601 UTC string; Uint8Array/Buffer → bytea (unchanged);
//   array → Postgres array literal (for `= ANY($1::uuid[])` and array columns);
//   any other object → JSON text (for JSON/JSONB). To store a JSON *array*, pass `JSON.stringify(arr)`.

export type Param = string | number | boolean | null | Uint8Array;

/** Converts one parameter (see the module header for the rules). */
export function toParam(v: unknown): Param {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "string":
    case "number":
    case "boolean":
      return v;
    case "bigint":
      return v.toString();
    case "object":
      if (v instanceof Date) return v.toISOString();
      if (v instanceof Uint8Array) return v;
      if (Array.isArray(v)) return arrayLiteral(v);
      return JSON.stringify(v);
    default:
      throw new TypeError(`cannot pass a ${typeof v} as a query parameter`);
  }
}

export function toParams(params: readonly unknown[] | undefined): Param[] {
  return params === undefined ? [] : params.map(toParam);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Quote and backslash, the characters an array element escapes. */
const ELEMENT_ESCAPES = /["\\]/;

function quote(s: string): string {
  // Ids, keys and UUIDs have nothing to escape: test once instead of running two replacements.
  if (!ELEMENT_ESCAPES.test(s)) return `"${s}"`;
  return `"${s.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

function element(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "string") return quote(v);
  if (Array.isArray(v)) return arrayLiteral(v);
  if (v instanceof Uint8Array) return quote(`\\x${hex(v)}`);
  const p = toParam(v);
  return quote(typeof p === "string" ? p : String(p));
}

/** A Postgres array literal: `{"a","b",NULL}`; nested arrays become multi-dimensional arrays. */
export function arrayLiteral(values: readonly unknown[]): string {
  return `{${values.map(element).join(",")}}`;
}
