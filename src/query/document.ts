// Owns the searchable form of a JSON document, built the way Nakama walks labels and ticket properties
// into its index: nested object keys join with "." under a prefix ("label.mode", "properties.region"),
// array elements share their parent's field, strings are exact keywords (and also dates when they parse
// as one of Nakama's date layouts), numbers are numeric, booleans are the keywords "T" and "F", nulls
// are skipped. Built once per document; queries only read it.
import { intern } from "./intern.js";
import { parseDocumentDate } from "./patterns.js";

/** The values one field holds. Lists are absent when empty. */
export interface FieldValues {
  strings?: string[];
  numbers?: number[];
  dates?: number[];
}

/** A flattened document: field path → values. */
export type QueryDoc = Map<string, FieldValues>;

function slot(doc: QueryDoc, field: string): FieldValues {
  let v = doc.get(field);
  if (v === undefined) {
    v = {};
    doc.set(intern(field), v);
  }
  return v;
}

export function addString(doc: QueryDoc, field: string, s: string): void {
  const v = slot(doc, field);
  (v.strings ??= []).push(intern(s));
  const date = parseDocumentDate(s);
  if (date !== undefined) (v.dates ??= []).push(date);
}

export function addNumber(doc: QueryDoc, field: string, n: number): void {
  if (!Number.isFinite(n)) return;
  (slot(doc, field).numbers ??= []).push(n);
}

const MAX_DEPTH = 32;

/** Adds `value` under `field` (recursing into objects and arrays). */
export function addValue(doc: QueryDoc, field: string, value: unknown, depth = 0): void {
  if (depth > MAX_DEPTH) return;
  switch (typeof value) {
    case "string":
      return addString(doc, field, value);
    case "number":
      return addNumber(doc, field, value);
    case "boolean":
      return addString(doc, field, value ? "T" : "F");
    case "object":
      if (value === null) return;
      if (Array.isArray(value)) {
        for (const item of value) addValue(doc, field, item, depth + 1);
        return;
      }
      for (const [k, v] of Object.entries(value)) addValue(doc, field === "" ? k : `${field}.${k}`, v, depth + 1);
      return;
    default:
      return;
  }
}

/** Flattens a JSON value under `prefix` ("" for none) into a new document. */
export function flattenDocument(value: unknown, prefix = ""): QueryDoc {
  const doc: QueryDoc = new Map();
  addValue(doc, prefix, value);
  return doc;
}
