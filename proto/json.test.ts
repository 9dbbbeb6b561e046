// Tests the JSON codec against Nakama's protojson rules (reference/nakama-wire.md §2.3), one rule per
// case, plus the encoder outputs quoted there, compared semantically (JSON.parse + deepEqual).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Code, GameError } from "../src/errors.js";
import { api, envelopeCase, fromJson, oneofCase, rt, timestampFrom, toJson, toJsonValue } from "./index.js";
import type { MessageType } from "./index.js";

const E = rt.Envelope;
const parse = (s: string): unknown => JSON.parse(s);

/** Asserts `fn` throws GameError(code) whose message contains every fragment. */
function throwsCode(fn: () => unknown, code: number, ...fragments: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof GameError, `not a GameError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" lacks "${f}"`);
    return true;
  });
}
const badInput = (fn: () => unknown, ...fragments: string[]): void => throwsCode(fn, Code.INVALID_ARGUMENT, ...fragments);

function sameJson(t: MessageType<any>, value: unknown, expected: string): void {
  assert.deepEqual(parse(toJson(t, value as never)), parse(expected));
}

void describe("JSON: field names", () => {
  void it("writes proto snake_case names", () => {
    sameJson(rt.MatchDataSend, { match_id: "m", op_code: "1" }, '{"match_id":"m","op_code":"1"}');
  });
  void it("reads snake_case or lowerCamelCase", () => {
    const camel = fromJson(E, '{"cid":"9","matchDataSend":{"matchId":"m","opCode":"5","presences":[{"userId":"u"}]}}');
    const snake = fromJson(E, '{"cid":"9","match_data_send":{"match_id":"m","op_code":"5","presences":[{"user_id":"u"}]}}');
    assert.deepEqual(camel, snake);
    assert.equal(camel.match_data_send?.presences[0].user_id, "u");
  });
  void it("rejects the same field under both names", () => {
    badInput(() => fromJson(rt.MatchLeave, '{"match_id":"a","matchId":"b"}'), "duplicate field", "matchId");
  });
});

void describe("JSON: int32, uint32, double", () => {
  void it("writes JSON numbers", () => {
    sameJson(rt.MatchmakerAdd, { min_count: 2, max_count: -4, numeric_properties: { skill: 10.5 } },
      '{"min_count":2,"max_count":-4,"numeric_properties":{"skill":10.5}}');
    sameJson(api.Leaderboard, { sort_order: 4294967295 }, '{"sort_order":4294967295}');
  });
  void it("reads numbers or numeric strings", () => {
    const v = fromJson(rt.MatchmakerAdd, { min_count: "2", max_count: "1e1", numeric_properties: { a: "1.5", b: -2 } });
    assert.equal(v.min_count, 2);
    assert.equal(v.max_count, 10);
    assert.deepEqual(v.numeric_properties, { a: 1.5, b: -2 });
    assert.equal(fromJson(api.Leaderboard, { sort_order: "4294967295" }).sort_order, 4294967295);
  });
  void it("rejects fractions, out-of-range values and non-numbers, naming the field", () => {
    badInput(() => fromJson(rt.MatchmakerAdd, { min_count: 1.5 }), "min_count", "int32");
    badInput(() => fromJson(rt.MatchmakerAdd, { min_count: 2147483648 }), "min_count", "out of range");
    badInput(() => fromJson(api.Leaderboard, { sort_order: -1 }), "sort_order", "uint32");
    badInput(() => fromJson(rt.MatchmakerAdd, { max_count: "two" }), "max_count", '"two"');
    badInput(() => fromJson(rt.MatchmakerAdd, { numeric_properties: { x: true } }), 'numeric_properties["x"]', "double");
  });
  void it("writes and reads NaN and infinities as strings", () => {
    const v = { numeric_properties: { n: NaN, p: Infinity, m: -Infinity } };
    sameJson(rt.MatchmakerAdd, v, '{"numeric_properties":{"n":"NaN","p":"Infinity","m":"-Infinity"}}');
    assert.deepEqual(fromJson(rt.MatchmakerAdd, toJson(rt.MatchmakerAdd, v)).numeric_properties, v.numeric_properties);
  });
});

void describe("JSON: strings", () => {
  void it("writes exactly the text JSON.stringify writes, whatever needs escaping", () => {
    const texts = [
      "plain", '{"a":"b","c":[1,2]}', 'back\\slash "and" quote', '\\"', '"', "\\",
      "tab\tnew\nline\u0001", "lone \ud800 surrogate", "pair \ud83d\ude00 and \"q\"", "é ü \u2028 ok",
      `{"data":"${"x".repeat(990)}","n":1}`,
    ];
    for (const text of texts) {
      assert.equal(toJson(api.StorageObject, { value: text }), `{"value":${JSON.stringify(text)}}`, text.slice(0, 40));
    }
  });
});

void describe("JSON: int64 and uint64", () => {
  void it("writes JSON strings (from string, number or bigint values)", () => {
    sameJson(rt.MatchData, { op_code: "7" }, '{"op_code":"7"}');
    sameJson(rt.MatchData, { op_code: 7 as unknown as string }, '{"op_code":"7"}');
    sameJson(rt.MatchData, { op_code: -9007199254740993n as unknown as string }, '{"op_code":"-9007199254740993"}');
    sameJson(api.LeaderboardRecord, { score: "100", rank: "1" }, '{"score":"100","rank":"1"}');
  });
  void it("reads strings or numbers, keeping all 64 bits", () => {
    assert.equal(fromJson(rt.MatchData, { op_code: 7 }).op_code, "7");
    assert.equal(fromJson(rt.MatchData, { op_code: "-3" }).op_code, "-3");
    assert.equal(fromJson(rt.MatchData, { op_code: "9223372036854775807" }).op_code, "9223372036854775807");
    assert.equal(fromJson(rt.MatchData, { op_code: "-9223372036854775808" }).op_code, "-9223372036854775808");
  });
  void it("rejects out-of-range and fractional values", () => {
    badInput(() => fromJson(rt.MatchData, { op_code: "9223372036854775808" }), "op_code", "out of range");
    badInput(() => fromJson(rt.MatchData, { op_code: 1.5 }), "op_code", "int64");
    badInput(() => fromJson(rt.MatchData, { op_code: "0x10" }), "op_code", "int64");
  });
});

void describe("JSON: enums", () => {
  void it("writes numbers", () => {
    sameJson(api.Leaderboard, { id: "l", operator: api.Operator.BEST }, '{"id":"l","operator":1}');
  });
  void it("reads numbers or value names; unknown numbers are kept (open enum)", () => {
    assert.equal(fromJson(api.Leaderboard, { operator: "INCREMENT" }).operator, 3);
    assert.equal(fromJson(api.Leaderboard, { operator: 2 }).operator, 2);
    assert.equal(fromJson(api.Leaderboard, { operator: 9 }).operator, 9);
    assert.equal(fromJson(api.ValidatedPurchase, { store: "SAMSUNG_GALAXY_STORE" }).store, 4);
  });
  void it("rejects unknown names", () => {
    badInput(() => fromJson(api.Leaderboard, { operator: "SOMETIMES" }), "operator", "nakama.api.Operator");
  });
});

void describe("JSON: wrappers", () => {
  void it("write bare values, present even when zero", () => {
    sameJson(rt.Match, { label: "" }, '{"label":""}');
    sameJson(api.ChannelMessage, { code: 0, persistent: false }, '{"code":0,"persistent":false}');
    sameJson(api.Friend, { state: 0 }, '{"state":0}');
    sameJson(rt.UserPresence, { user_id: "u", status: "" }, '{"user_id":"u","status":""}');
  });
  void it("read bare values; null means unset", () => {
    const v = fromJson(rt.ChannelJoin, { target: "r", persistence: null, hidden: false });
    assert.equal("persistence" in v, false);
    assert.equal(v.hidden, false);
    assert.equal("status" in fromJson(rt.StatusUpdate, { status: null }), false);
    assert.equal(fromJson(rt.StatusUpdate, { status: "" }).status, "");
  });
  void it("reject a wrapped value of the wrong type", () => {
    badInput(() => fromJson(rt.ChannelJoin, { persistence: "yes" }), "persistence", "bool");
  });
  void it("Int64Value: string out, string or number in", () => {
    sameJson(api.ListLeaderboardRecordsRequest, { expiry: "0" }, '{"expiry":"0"}');
    assert.equal(fromJson(api.ListLeaderboardRecordsRequest, { expiry: 100 }).expiry, "100");
    assert.equal(fromJson(api.ListLeaderboardRecordsRequest, { expiry: "100" }).expiry, "100");
  });
});

void describe("JSON: bytes", () => {
  void it("writes standard base64 with padding", () => {
    sameJson(rt.MatchData, { data: new Uint8Array([255, 0, 65]) }, '{"data":"/wBB"}');
    sameJson(rt.MatchData, { data: new Uint8Array([255]) }, '{"data":"/w=="}');
    sameJson(rt.MatchData, { data: new Uint8Array([251, 255]) }, '{"data":"+/8="}');
  });
  void it("reads standard or URL-safe base64, padded or not", () => {
    for (const text of ["/wBB", "_wBB"]) assert.deepEqual(fromJson(rt.MatchData, { data: text }).data, new Uint8Array([255, 0, 65]));
    for (const text of ["/w==", "/w", "_w==", "_w"]) assert.deepEqual(fromJson(rt.MatchData, { data: text }).data, new Uint8Array([255]));
    for (const text of ["+/8=", "+/8", "-_8=", "-_8"]) assert.deepEqual(fromJson(rt.MatchData, { data: text }).data, new Uint8Array([251, 255]));
    assert.deepEqual(fromJson(rt.MatchData, { data: "" }).data, new Uint8Array(0));
  });
  void it("rejects malformed base64", () => {
    for (const text of ["A", "/w=", "@@@@", "ab$d", "AA=A", "/wB B"]) {
      badInput(() => fromJson(rt.MatchData, { data: text }), "data", "base64");
    }
    badInput(() => fromJson(rt.MatchData, { data: [1, 2] }), "data", "base64");
  });
});

void describe("JSON: Timestamp", () => {
  const at = (text: string): string => toJson(api.Notification, { create_time: fromJson(api.Notification, { create_time: text }).create_time });
  void it("writes RFC 3339 UTC with Z and 0, 3, 6 or 9 fractional digits", () => {
    sameJson(api.Notification, { create_time: new Date(1700000000000) }, '{"create_time":"2023-11-14T22:13:20Z"}');
    sameJson(api.Notification, { create_time: new Date(1700000000120) }, '{"create_time":"2023-11-14T22:13:20.120Z"}');
    sameJson(api.Notification, { create_time: timestampFrom(1700000000, 123456000) }, '{"create_time":"2023-11-14T22:13:20.123456Z"}');
    sameJson(api.Notification, { create_time: timestampFrom(1700000000, 123456789) }, '{"create_time":"2023-11-14T22:13:20.123456789Z"}');
    sameJson(api.Notification, { create_time: timestampFrom(-62135596800, 0) }, '{"create_time":"0001-01-01T00:00:00Z"}');
    sameJson(api.Notification, { create_time: timestampFrom(-1, 500000000) }, '{"create_time":"1969-12-31T23:59:59.500Z"}');
    throwsCode(() => toJson(api.Notification, { create_time: new Date(NaN) }), Code.INTERNAL, "create_time");
  });
  void it("reads RFC 3339 with any offset and up to 9 fractional digits, keeping them", () => {
    assert.equal(fromJson(api.Notification, { create_time: "2023-11-14T23:13:20+01:00" }).create_time?.getTime(), 1700000000000);
    assert.equal(fromJson(api.Notification, { create_time: "2023-11-14T22:13:20.5Z" }).create_time?.getTime(), 1700000000500);
    assert.equal(at("2023-11-14T22:13:20.123456Z"), '{"create_time":"2023-11-14T22:13:20.123456Z"}');
    assert.equal(at("2023-11-14T22:13:20.000000001Z"), '{"create_time":"2023-11-14T22:13:20.000000001Z"}');
    assert.equal(at("0001-01-01T00:00:00Z"), '{"create_time":"0001-01-01T00:00:00Z"}');
  });
  void it("rejects malformed or out-of-range timestamps", () => {
    for (const text of ["2023-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2023-11-14 22:13:20Z", "2023-11-14T22:13:20", "10000-01-01T00:00:00Z", "2023-11-14T22:13:20.1234567891Z"]) {
      badInput(() => fromJson(api.Notification, { create_time: text }), "create_time", "Timestamp");
    }
    badInput(() => fromJson(api.Notification, { create_time: 1700000000 }), "create_time", "Timestamp");
  });
});

void describe("JSON: maps, empty messages, zero values", () => {
  void it("maps are JSON objects; every entry is written", () => {
    sameJson(rt.MatchJoin, { match_id: "m", metadata: { a: "1", b: "" } }, '{"match_id":"m","metadata":{"a":"1","b":""}}');
    assert.deepEqual(fromJson(rt.MatchJoin, '{"metadata":{"a":"1"}}').metadata, { a: "1" });
    badInput(() => fromJson(rt.MatchJoin, { metadata: { a: 1 } }), 'metadata["a"]', "string");
    badInput(() => fromJson(rt.MatchJoin, { metadata: ["a"] }), "metadata", "map");
  });
  void it("a map key named __proto__ is kept as data", () => {
    const v = fromJson(rt.MatchJoin, '{"metadata":{"__proto__":"x"}}');
    assert.equal(Object.getOwnPropertyDescriptor(v.metadata, "__proto__")?.value, "x");
    assert.equal(Object.getPrototypeOf(v.metadata), Object.prototype);
    sameJson(rt.MatchJoin, v, '{"metadata":{"__proto__":"x"}}');
  });
  void it("empty messages are {}", () => {
    assert.equal(toJson(E, { cid: "1", pong: {} }), '{"cid":"1","pong":{}}');
    assert.deepEqual(fromJson(E, '{"ping":{}}'), { cid: "", ping: {} });
  });
  void it("zero scalars, empty strings, empty repeated and maps, unset messages are omitted", () => {
    assert.equal(toJson(api.Session, { created: false, token: "t", refresh_token: "r" }), '{"token":"t","refresh_token":"r"}');
    assert.equal(toJson(rt.Match, { match_id: "", authoritative: false, size: 0, presences: [], self: undefined }), "{}");
    assert.equal(toJson(rt.MatchJoin, { metadata: {} }), "{}");
    assert.equal(toJson(rt.MatchData, { op_code: "0", data: new Uint8Array(0), presence: null as never }), "{}");
  });
  void it("decoded values carry proto3 defaults for absent scalars, repeated and maps", () => {
    assert.deepEqual(fromJson(rt.MatchDataSend, "{}"), { match_id: "", op_code: "0", data: new Uint8Array(0), presences: [], reliable: false });
    assert.deepEqual(fromJson(E, { cid: null, match_data_send: { op_code: null, presences: null } }).match_data_send,
      { match_id: "", op_code: "0", data: new Uint8Array(0), presences: [], reliable: false });
  });
});

void describe("JSON: oneof", () => {
  void it("writes only the set member, even when it holds a zero value", () => {
    assert.equal(toJson(rt.MatchJoin, { token: "jwt" }), '{"token":"jwt"}');
    assert.equal(toJson(rt.MatchJoin, { match_id: "" }), '{"match_id":""}');
    assert.equal(toJson(rt.MatchmakerMatched, { ticket: "t", match_id: "m." }), '{"ticket":"t","match_id":"m."}');
  });
  void it("reads one member; a second one is an error, a null one does not count", () => {
    const v = fromJson(rt.MatchJoin, { token: "jwt", match_id: null });
    assert.equal(oneofCase(rt.MatchJoin, v, "id"), "token");
    badInput(() => fromJson(rt.MatchJoin, { match_id: "m", token: "t" }), "oneof id is already set");
    badInput(() => fromJson(E, '{"cid":"1","ping":{},"pong":{}}'), "oneof message is already set");
  });
  void it("refuses to encode two members", () => {
    throwsCode(() => toJson(rt.MatchJoin, { match_id: "m", token: "t" }), Code.INTERNAL, "oneof id");
    throwsCode(() => toJson(E, { ping: {}, pong: {} }), Code.INTERNAL, "oneof message");
  });
  void it("envelopeCase names the set member", () => {
    assert.equal(envelopeCase(fromJson(E, '{"cid":"3","matchDataSend":{}}')), "match_data_send");
    assert.equal(envelopeCase(fromJson(E, '{"cid":"3"}')), undefined);
  });
});

void describe("JSON: unknown fields and bad input", () => {
  void it("unknown fields are an error by default (realtime) and ignored on request (REST)", () => {
    badInput(() => fromJson(E, '{"cid":"1","bogus":1}'), 'unknown field "bogus"');
    badInput(() => fromJson(E, '{"match_join":{"match_id":"m","extra":true}}'), "match_join", 'unknown field "extra"');
    const v = fromJson(E, '{"cid":"1","bogus":1,"match_join":{"extra":true,"token":"t"}}', { unknown: "ignore" });
    assert.deepEqual(v, { cid: "1", match_join: { token: "t", metadata: {} } });
    assert.deepEqual(fromJson(api.AuthenticateDeviceRequest, '{"account":{"id":"d"},"extra":1}', { unknown: "ignore" }).account?.id, "d");
  });
  void it("bad types are INVALID_ARGUMENT naming the field path", () => {
    badInput(() => fromJson(E, '{"cid":1,"ping":{}}'), "nakama.realtime.Envelope", "cid", "expected string");
    badInput(() => fromJson(E, '{"match_data_send":{"presences":[{"user_id":"a"},{"user_id":5}]}}'), "match_data_send.presences[1].user_id");
    badInput(() => fromJson(E, '{"match_data_send":{"presences":[null]}}'), "match_data_send.presences[0]", "object");
    badInput(() => fromJson(E, '{"status_follow":{"user_ids":"u1"}}'), "status_follow.user_ids", "array");
    badInput(() => fromJson(E, '{"match_data_send":{"reliable":"true"}}'), "match_data_send.reliable", "bool");
    badInput(() => fromJson(E, '{"match_join":[]}'), "match_join", "object");
    badInput(() => fromJson(E, "[]"), "object");
  });
  void it("malformed JSON text or bytes is INVALID_ARGUMENT", () => {
    badInput(() => fromJson(E, '{"cid":'), "invalid JSON");
    badInput(() => fromJson(E, new Uint8Array([0x7b, 0xff, 0x7d])), "invalid JSON");
  });
  void it("accepts UTF-8 bytes and already parsed values", () => {
    const bytes = new TextEncoder().encode('{"cid":"é","ping":{}}');
    assert.deepEqual(fromJson(E, bytes), { cid: "é", ping: {} });
    assert.deepEqual(fromJson(E, { cid: "é", ping: {} }), { cid: "é", ping: {} });
  });
  void it("encoding a value of the wrong JS type is INTERNAL naming the field", () => {
    throwsCode(() => toJson(rt.MatchData, { match_id: 5 as unknown as string }), Code.INTERNAL, "match_id", "string");
    throwsCode(() => toJson(rt.Match, { presences: [{ user_id: "a" }, { user_id: true as unknown as string }] }), Code.INTERNAL, "presences[1].user_id");
    throwsCode(() => toJson(rt.MatchmakerAdd, { min_count: 1.5 }), Code.INTERNAL, "min_count", "int32");
  });
  void it("toJsonValue returns the same document as a value", () => {
    assert.deepEqual(toJsonValue(api.Session, { token: "t", created: true }), { created: true, token: "t" });
  });
});

void describe("JSON: the encoder outputs quoted in §2.3", () => {
  const presence = { user_id: "u", session_id: "s", username: "n", status: "" };
  const cases: [MessageType<any>, unknown, string][] = [
    [E, { cid: "1", pong: {} }, '{"cid":"1","pong":{}}'],
    [E, { cid: "2" }, '{"cid":"2"}'],
    [E, { match_data: { match_id: "abc.", presence, op_code: "7", data: new Uint8Array([255, 0, 65]), reliable: true } },
      '{"match_data":{"match_id":"abc.","presence":{"user_id":"u","session_id":"s","username":"n","status":""},"op_code":"7","data":"/wBB","reliable":true}}'],
    [E, { cid: "3", error: { code: rt.ErrorCode.RUNTIME_EXCEPTION, message: "boom" } }, '{"cid":"3","error":{"message":"boom"}}'],
    [E, { cid: "4", match: { match_id: "x.n", authoritative: true, label: "", size: 0 } },
      '{"cid":"4","match":{"match_id":"x.n","authoritative":true,"label":""}}'],
    [E, { channel_message: { channel_id: "2...room", code: 0, content: '{"a":1}', create_time: timestampFrom(1700000000, 123456000), persistent: true } },
      '{"channel_message":{"channel_id":"2...room","code":0,"content":"{\\"a\\":1}","create_time":"2023-11-14T22:13:20.123456Z","persistent":true}}'],
    [E, { matchmaker_matched: { ticket: "t", token: "jwt", users: [{ numeric_properties: { skill: 10.5 } }] } },
      '{"matchmaker_matched":{"ticket":"t","token":"jwt","users":[{"numeric_properties":{"skill":10.5}}]}}'],
    [api.LeaderboardRecord, { username: "bob", score: "100", num_score: 1, rank: "1", max_num_score: 1000000 },
      '{"username":"bob","score":"100","num_score":1,"rank":"1","max_num_score":1000000}'],
    [api.Session, { created: false, token: "t", refresh_token: "r" }, '{"token":"t","refresh_token":"r"}'],
  ];
  for (const [type, value, expected] of cases) {
    void it(`${type.name}: ${expected.slice(0, 60)}`, () => {
      sameJson(type, value, expected);
      // And the other way: decoding Nakama's output and re-encoding it gives the same document.
      assert.deepEqual(parse(toJson(type, fromJson(type, expected))), parse(expected));
    });
  }
});
