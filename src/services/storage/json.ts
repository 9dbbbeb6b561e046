// Owns the JSON rules the game services share: "is this text a JSON object" as Nakama checks it (valid
// JSON whose first non-blank byte is "{"), and encoding a module's value the way Go's encoding/json does
// for a map (keys sorted, no spaces, <, > and & escaped), so versions and stored text match Nakama's.

/** True when `text` is valid JSON and an object. */
export function isJsonObjectText(text: string): boolean {
  const start = text.search(/[^ \t\r\n]/);
  if (start < 0 || text[start] !== "{") return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const GO_ESCAPES: Record<string, string> = { "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029" };

function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c]);
}

/**
 * Encodes a value as Go's json.Marshal encodes the equivalent map/slice: object keys sorted, no
 * whitespace, HTML-sensitive characters escaped. undefined members are dropped (JSON.stringify's rule);
 * bigints are written as integers.
 */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
      return goString(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    case "object":
      break;
    default:
      return "null";
  }
  if (Array.isArray(value)) return `[${value.map(goJson).join(",")}]`;
  if (value instanceof Date) return goString(value.toISOString());
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(obj).sort()) {
    const v = obj[k];
    if (v === undefined || typeof v === "function" || typeof v === "symbol") continue;
    parts.push(`${goString(k)}:${goJson(v)}`);
  }
  return `{${parts.join(",")}}`;
}
