// Unit tests of a session's socket-facing state over a fake socket: output batched once per turn under
// one cork, held while the transport pushes back and resumed on drain, a slow client closed once its
// queue overflows (never a silent drop), encode-once for many recipients, and the inbound guards.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Outgoing } from "./outgoing.js";
import { testCore, testSession, turn } from "./testkit.js";

const U1 = "11111111-1111-4111-8111-111111111111";
const U2 = "22222222-2222-4222-8222-222222222222";

test("several sends in one turn leave in one corked batch, in order", async () => {
  const core = testCore();
  const { h, wire } = testSession(core, U1);
  for (let i = 1; i <= 3; i++) h.send(new Outgoing({ cid: String(i), pong: {} }));
  assert.equal(wire.sent.length, 0);
  await turn();
  assert.equal(wire.corks, 1);
  assert.deepEqual(wire.envelopes().map((e) => e.cid), ["1", "2", "3"]);
});

test("backpressure holds output until drain; past outgoing_queue_size the client is closed with a reason", async () => {
  const core = testCore({ settings: { outgoingQueueSize: 4 } });
  const { h, wire } = testSession(core, U1);
  wire.results = ["backpressure"];
  h.send(new Outgoing({ cid: "1", pong: {} }));
  await turn();
  assert.equal(wire.sent.length, 1);
  for (let i = 2; i <= 5; i++) h.send(new Outgoing({ cid: String(i), pong: {} }));
  await turn();
  assert.equal(wire.sent.length, 1, "held while pressured");
  h.drained();
  assert.deepEqual(wire.envelopes().map((e) => e.cid), ["1", "2", "3", "4", "5"]);
  wire.results = ["backpressure"];
  h.send(new Outgoing({ cid: "6", pong: {} }));
  await turn();
  for (let i = 7; i <= 11; i++) h.send(new Outgoing({ cid: String(i), pong: {} }));
  assert.deepEqual(wire.closedWith, { code: 1000, reason: "session outgoing queue full" });
  assert.equal(h.failure, "session outgoing queue full");
});

test("a burst bigger than the queue in one turn is written at once, not counted as slowness", () => {
  const core = testCore({ settings: { outgoingQueueSize: 4 } });
  const { h, wire } = testSession(core, U1);
  for (let i = 1; i <= 10; i++) h.send(new Outgoing({ cid: String(i), pong: {} }));
  assert.equal(wire.closedWith, null);
  assert.ok(wire.sent.length >= 8);
});

test("one Outgoing is encoded once per format and the same bytes go to every recipient", async () => {
  const core = testCore();
  const a = testSession(core, U1, "json");
  const b = testSession(core, U2, "json");
  const c = testSession(core, U2, "protobuf");
  const out = new Outgoing({ match_data: { match_id: "x.", op_code: "3", data: new Uint8Array([1]) } });
  for (const s of [a, b, c]) s.h.send(out);
  await turn();
  assert.equal(a.wire.sent[0].data, b.wire.sent[0].data, "same buffer instance");
  assert.equal(a.wire.sent[0].isBinary, false);
  assert.equal(c.wire.sent[0].isBinary, true);
  assert.deepEqual(c.wire.envelopes()[0].match_data?.op_code, "3");
});

test("close flushes what is queued, then the last envelopes, then the close frame; later sends are ignored", () => {
  const core = testCore();
  const { h, wire } = testSession(core, U1);
  h.send(new Outgoing({ cid: "1", pong: {} }));
  h.close(1000, "bye", [new Outgoing({ cid: "2", pong: {} })]);
  h.send(new Outgoing({ cid: "3", pong: {} }));
  assert.deepEqual(wire.envelopes().map((e) => e.cid), ["1", "2"]);
  assert.deepEqual(wire.closedWith, { code: 1000, reason: "bye" });
});

test("inbound: wrong frame kind, rate limit and a full inbox close the session", () => {
  const core = testCore({ settings: { maxInboundPerSec: 5, maxInboxFrames: 100 } });
  const json = testSession(core, U1, "json");
  assert.equal(json.h.receive(Buffer.from([1]), true), false);
  assert.deepEqual(json.wire.closedWith, { code: 1000, reason: "received unexpected WebSocket message type" });
  const flood = testSession(core, U1, "json");
  const results = Array.from({ length: 7 }, () => flood.h.receive(Buffer.from("{}"), false));
  assert.deepEqual(results, [true, true, true, true, true, false, false]);
  assert.deepEqual(flood.wire.closedWith, { code: 1008, reason: "inbound message rate limit exceeded" });
  const core2 = testCore({ settings: { maxInboundPerSec: 0, maxInboxFrames: 3 } });
  const full = testSession(core2, U2, "protobuf");
  const r2 = Array.from({ length: 4 }, () => full.h.receive(Buffer.from([0]), true));
  assert.deepEqual(r2, [true, true, true, false]);
  assert.deepEqual(full.wire.closedWith, { code: 1008, reason: "inbound queue full" });
  assert.equal(full.h.takeFrame()?.length, 1);
});
