// Unit tests of request dispatch with fake sockets: the hook pipeline (a before hook returning nothing
// closes the session with UNRECOGNIZED_PAYLOAD, one that throws answers RUNTIME_FUNCTION_EXCEPTION and
// keeps it, one that rewrites the request is obeyed, after hooks only on success), rpc through a
// registry, and live notifications / disconnects pushed by the core.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code, GameError } from "../errors.js";
import { encodeBinary, rt, type Init } from "../../proto/index.js";
import type { HookRegistry } from "../pipeline/hooks.js";
import { defaultHandlers } from "./index.js";
import { processFrame } from "./dispatch.js";
import type { RealtimeCore } from "./core.js";
import type { SessionHandle } from "./session.js";
import { silentLogger } from "../log.js";
import { testCore, testSession, turn } from "./testkit.js";

const U1 = "11111111-1111-4111-8111-111111111111";
const U2 = "22222222-2222-4222-8222-222222222222";
const table = defaultHandlers();

async function request(core: RealtimeCore, h: SessionHandle, env: Init<rt.Envelope>): Promise<void> {
  const frame = h.format === "json" ? Buffer.from(JSON.stringify(env)) : Buffer.from(encodeBinary(rt.Envelope, env));
  await processFrame(core, table, h, frame, silentLogger());
  await turn();
}

function hooks(before: Record<string, (ctx: unknown, req: any) => Promise<unknown>>, after: string[] = [], seen: string[] = []): HookRegistry {
  return {
    before: (name) => before[name],
    after: (name) => (after.includes(name) ? async () => void seen.push(name) : undefined),
  };
}

test("a before hook returning nothing: UNRECOGNIZED_PAYLOAD 'Requested resource was not found.' and the session closes", async () => {
  const core = testCore({ hooks: hooks({ MatchCreate: async () => null }) });
  const { h, wire } = testSession(core, U1);
  await request(core, h, { cid: "5", match_create: {} });
  assert.deepEqual(wire.envelopes(), [{ cid: "5", error: { code: 1, message: "Requested resource was not found.", context: {} } }]);
  assert.deepEqual(wire.closedWith, { code: 1000, reason: "error processing message" });
});

test("a before hook that throws: RUNTIME_FUNCTION_EXCEPTION with its message; the session stays open", async () => {
  const core = testCore({ hooks: hooks({ Ping: async () => { throw new Error("nope"); } }) });
  const { h, wire } = testSession(core, U1);
  await request(core, h, { cid: "1", ping: {} });
  assert.deepEqual(wire.envelopes()[0].error, { code: 7, message: "nope", context: {} });
  assert.equal(wire.closedWith, null);
});

test("a before hook may rewrite the request; after hooks run on success only", async () => {
  const seen: string[] = [];
  const core = testCore({
    hooks: hooks({ StatusUpdate: async (_c, req: rt.Envelope) => ({ ...req, status_update: { status: "rewritten" } }) }, ["StatusUpdate", "MatchJoin"], seen),
  });
  const { h, wire } = testSession(core, U1, "protobuf");
  await request(core, h, { cid: "1", status_update: { status: "original" } });
  assert.equal(core.tracker.list({ mode: 1, subject: U1, subcontext: "", label: "" }, false, true)[0].meta.status, "rewritten");
  await request(core, h, { cid: "2", match_join: { match_id: "0b0b0b0b-0000-4000-8000-000000000000." } });
  const replies = wire.envelopes().filter((e) => e.cid !== "");
  assert.deepEqual(replies.map((e) => [e.cid, e.error?.code]), [["1", undefined], ["2", 4]]);
  assert.deepEqual(seen, ["StatusUpdate"]);
});

test("rpc goes to the registry: payload back, NOT_FOUND → 6, other failures → 7 with the message", async () => {
  const calls: string[] = [];
  const core = testCore({
    rpc: {
      call: async (ctx, id, payload) => {
        calls.push(`${ctx.userId}:${id}:${payload}`);
        if (id === "missing") throw new GameError(Code.NOT_FOUND, "RPC function not found");
        if (id === "boom") throw new GameError(Code.INVALID_ARGUMENT, "bad things");
        return payload.toUpperCase();
      },
    },
  });
  const { h, wire } = testSession(core, U1);
  await request(core, h, { cid: "1", rpc: { id: "Echo", payload: "hi" } });
  await request(core, h, { cid: "2", rpc: { id: "missing" } });
  await request(core, h, { cid: "3", rpc: { id: "boom" } });
  const [a, b, c] = wire.envelopes();
  assert.deepEqual(a.rpc, { id: "Echo", payload: "HI", http_key: "" });
  assert.deepEqual(b.error, { code: 6, message: "RPC function not found", context: {} });
  assert.deepEqual(c.error, { code: 7, message: "bad things", context: {} });
  assert.deepEqual(calls, [`${U1}:echo:hi`, `${U1}:missing:`, `${U1}:boom:`]);
});

test("notify reaches every session of the listed users, encoded once; notifyAll reaches everyone", async () => {
  const core = testCore();
  const a1 = testSession(core, U1, "json");
  const a2 = testSession(core, U1, "protobuf");
  const b = testSession(core, U2, "json");
  const n = { id: "n1", subject: "hello", content: '{"x":1}', code: 5, sender_id: U2, create_time: new Date(1700000000000), persistent: true };
  core.notify([U1, U1], [n]);
  await turn();
  for (const s of [a1, a2]) {
    const [env] = s.wire.envelopes();
    assert.equal(env.notifications?.notifications[0].subject, "hello");
    assert.equal(s.wire.sent.length, 1, "duplicate user ids deliver once");
  }
  assert.equal(b.wire.sent.length, 0);
  core.notifyAll([n]);
  await turn();
  assert.deepEqual([a1, a2, b].map((s) => s.wire.sent.length), [2, 2, 1]);
});

test("disconnectUser: a ban pushes the -8 notification, then closes every socket of the user", async () => {
  const core = testCore();
  const a = testSession(core, U1, "json");
  const other = testSession(core, U2, "json");
  core.disconnectUser(U1, "banned");
  const [env] = a.wire.envelopes();
  assert.equal(env.notifications?.notifications[0].code, -8);
  assert.equal(env.notifications?.notifications[0].subject, "banned");
  assert.deepEqual(a.wire.closedWith, { code: 1000, reason: "server-side session disconnect" });
  assert.equal(other.wire.closedWith, null);
  core.end(a.h);
  assert.equal(core.sessionsOfUser(U1).length, 0);
});

test("session listeners see every start and end (once), after presences are gone", () => {
  const core = testCore();
  const seen: string[] = [];
  core.onSession("start", (h) => seen.push(`start:${h.userId}`));
  core.onSession("end", (h) => seen.push(`end:${h.userId}:${core.tracker.sessionPresences(h.id).length}`));
  const a = testSession(core, U1);
  core.end(a.h);
  core.end(a.h);
  assert.deepEqual(seen, [`start:${U1}`, `end:${U1}:0`]);
});
