// Owns the JSON text of a ReadStorageObjects answer (api.StorageObjects), written directly instead of by
// the generic codec: the same text toJson(api.StorageObjects, …) writes (proto field names and order,
// unpopulated fields omitted, RFC 3339 times), checked against it by storage-json.test.ts. The saving is
// the value: it is PostgreSQL's jsonb text, which never holds a raw control character (jsonb writes
// them escaped) nor a lone surrogate (it arrives as UTF-8), so quotes and backslashes are all it can need
// escaped; the generic encoder must first scan each 1 KB value for everything JSON.stringify escapes.
import { jsonString as text, quotedText as jsonbText, timestampText, type api } from "../../proto/index.js";

function object(o: api.StorageObject): string {
  let out = "{";
  let sep = "";
  const field = (name: string, json: string): void => {
    out += `${sep}"${name}":${json}`;
    sep = ",";
  };
  if (o.collection !== "") field("collection", text(o.collection));
  if (o.key !== "") field("key", text(o.key));
  if (o.user_id !== "") field("user_id", text(o.user_id));
  if (o.value !== "") field("value", jsonbText(o.value));
  if (o.version !== "") field("version", text(o.version));
  if (o.permission_read !== 0) field("permission_read", String(o.permission_read));
  if (o.permission_write !== 0) field("permission_write", String(o.permission_write));
  if (o.create_time !== undefined) field("create_time", `"${timestampText(o.create_time)}"`);
  if (o.update_time !== undefined) field("update_time", `"${timestampText(o.update_time)}"`);
  return `${out}}`;
}

/** `toJson(api.StorageObjects, { objects })` for objects read from the database. */
export function storageObjectsJson(objects: readonly api.StorageObject[]): string {
  if (objects.length === 0) return "{}";
  let out = '{"objects":[';
  for (let i = 0; i < objects.length; i++) out += (i === 0 ? "" : ",") + object(objects[i]);
  return `${out}]}`;
}
