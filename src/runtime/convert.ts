// Owns the one conversion path between wire messages (decoded proto values) and guest values, driven by
// the proto schema of each message, as Nakama's runtimes present hook payloads:
//   Lua: protojson with the gateway's options (snake_case names, enums as numbers, int64 as strings,
//        unpopulated fields left out) — exactly toJsonValue.
//   JS:  protojson with lowerCamelCase names and EmitUnpopulated (every field present: "" / 0 / false /
//        "0" / [] / {} for scalars and lists, null for unset messages, wrappers and timestamps; unset
//        oneof members stay absent).
// A guest's returned value goes back through fromJson (either naming accepted, unknown keys ignored).
import { fromJson, toJsonValue, type Field, type MessageType } from "../../proto/index.js";

export type GuestLanguage = "js" | "lua";

/** Wire value → what a guest function of `lang` receives. */
export function toGuest(type: MessageType, value: unknown, lang: GuestLanguage): Record<string, unknown> {
  const json = toJsonValue(type, value as never);
  return lang === "lua" ? json : camelFilled(type, json);
}

/** A guest's value (object/table with snake_case or camelCase keys) → wire value. */
export function fromGuest<T>(type: MessageType<T>, value: unknown): T {
  const input = value !== null && typeof value === "object" ? value : {};
  return fromJson(type, input, { unknown: "ignore" });
}

function defaultOf(f: Field): unknown {
  if (f.label === "repeated") return [];
  if (f.label === "map") return {};
  const v = f.value;
  if (v.t === "enum") return 0;
  if (v.t !== "scalar") return null; // message, wrapper, Timestamp
  switch (v.scalar) {
    case "string":
    case "bytes":
      return "";
    case "bool":
      return false;
    case "int64":
    case "uint64":
      return "0";
    default:
      return 0;
  }
}

function messageOf(f: Field): MessageType | undefined {
  if (f.value.t !== "message") return undefined;
  const ref = f.value.ref;
  return typeof ref === "function" ? ref() : ref;
}

/** Renames snake_case keys of a protojson value to lowerCamelCase and fills unpopulated fields. */
function camelFilled(type: MessageType, json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of type.fields) {
    const present = Object.hasOwn(json, f.name);
    if (!present && f.oneof !== undefined) continue;
    const v = present ? json[f.name] : defaultOf(f);
    const sub = messageOf(f);
    out[f.jsonName] = sub === undefined || v === null ? v : nested(sub, f, v);
  }
  return out;
}

function nested(sub: MessageType, f: Field, v: unknown): unknown {
  if (f.label === "repeated") return (v as Record<string, unknown>[]).map((x) => camelFilled(sub, x));
  if (f.label === "map") {
    const m: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, Record<string, unknown>>)) m[k] = camelFilled(sub, x);
    return m;
  }
  return camelFilled(sub, v as Record<string, unknown>);
}
