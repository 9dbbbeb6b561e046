// Tests storageObjectsJson against the generic codec: the same text as toJson(api.StorageObjects, …) for
// objects as reads return them (values in PostgreSQL's jsonb text form), whatever their fields hold.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { api, toJson } from "../../proto/index.js";
import { storageObjectsJson } from "./storage-json.js";

const object = (over: Partial<api.StorageObject>): api.StorageObject => ({
  collection: "c", key: "k", user_id: "a7c5b64b-e072-4989-b64f-eb915b187e6e", value: '{"a": 1}',
  version: "0123456789abcdef0123456789abcdef", permission_read: 1, permission_write: 1,
  create_time: new Date(1_763_749_000_000), update_time: new Date(1_763_749_001_000), ...over,
});

/** Values as jsonb::text writes them: controls escaped, everything else (quotes and backslashes escaped inside strings) as is. */
const JSONB_VALUES = [
  "{}", '{"a": 1}', `{"data": "${"x".repeat(990)}", "n": 1}`, '{"q": "say \\"hi\\"", "b": "back\\\\slash"}',
  '{"t": "tab\\tline\\nfeed\\u0001"}', '{"u": "é ü 😀 \u2028 \u007f"}', '{"nested": {"list": [1, "2", null, true]}}',
];

function same(objects: api.StorageObject[]): void {
  assert.equal(storageObjectsJson(objects), toJson(api.StorageObjects, { objects }));
}

void describe("storageObjectsJson", () => {
  void it("writes no objects as {}", () => {
    same([]);
  });
  void it("writes every jsonb value as the codec does", () => {
    for (const value of JSONB_VALUES) same([object({ value })]);
    same(JSONB_VALUES.map((value, i) => object({ value, key: `k${i}` })));
  });
  void it("omits unpopulated fields and escapes the other strings like the codec", () => {
    same([object({ permission_read: 0, permission_write: 0, version: "", create_time: undefined, update_time: undefined })]);
    same([object({ collection: 'col "quoted" \\ \t\u0000', key: "ключ 😀 \ud800", user_id: "" })]);
    same([object({ permission_read: 2, create_time: new Date(Date.UTC(1, 0, 1)), update_time: new Date(Date.UTC(9999, 11, 31, 23, 59, 59)) })]);
  });
});
