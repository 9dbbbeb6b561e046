// Tests the session actor over fake sockets: frames are handled in order, an asynchronous request holds
// later frames back until it has answered, a crash of one session actor closes that socket with 1011
// (and nothing else), and the actor stops when its socket closes (cleanup: presences gone).
import { test } from "node:test";
import assert from "node:assert/strict";
import { silentLogger } from "../../src/log.js";
import { createKernel, isAlive, supervisor, whenStopped } from "../kernel/index.js";
import { EMPTY, defaultHandlers, reply, type HandlerTable } from "../../src/realtime/index.js";
import { testCore, testSession } from "../../src/realtime/testkit.js";
import { Probe } from "../kernel/testkit.js";
import { SessionFamily } from "./sessions.js";

const U1 = "11111111-1111-4111-8111-111111111111";
const U2 = "22222222-2222-4222-8222-222222222222";

function setup(table: HandlerTable) {
  const kernel = createKernel({ log: silentLogger() });
  const core = testCore();
  const fam = new SessionFamily(supervisor(kernel.root, { name: "sessions", strategy: "one-for-one", maxRestarts: 10, withinMs: 10_000 }), 2, {
    core, table, log: silentLogger(),
  });
  return { kernel, core, fam };
}

const frame = (o: object): Buffer => Buffer.from(JSON.stringify(o));

test("an async request holds the following frames until it has answered; order is kept", { timeout: 5000 }, async () => {
  const started = new Probe<string>();
  let release!: () => void;
  const table: HandlerTable = {
    ...defaultHandlers(),
    rpc: {
      hooks: false,
      run: () => {
        started.push("rpc");
        return new Promise((r) => (release = () => r(reply({ rpc: { id: "slow", payload: "" } }))));
      },
    },
  };
  const { kernel, core, fam } = setup(table);
  const { h, wire } = testSession(core, U1);
  fam.spawn(h);
  const sent = (): string[] => wire.envelopes().map((e) => e.cid);
  h.receive(frame({ cid: "1", rpc: { id: "slow" } }), false);
  h.receive(frame({ cid: "2", ping: {} }), false);
  await started.count(1);
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r)); // flushes and later turns run
  assert.deepEqual(sent(), [], "the ping waits behind the pending rpc");
  release();
  while (sent().length < 2) await new Promise((r) => setImmediate(r));
  assert.deepEqual(sent(), ["1", "2"]);
  await kernel.shutdown();
});

test("a crashing session actor closes its own socket with 1011; other sessions carry on", { timeout: 5000 }, async () => {
  const table: HandlerTable = {
    ...defaultHandlers(),
    // An answer that cannot be encoded makes the actor's handler throw (a bug in a handler).
    match_leave: { run: () => reply({ match: { size: "not a number" as unknown as number } }) },
  };
  const { kernel, core, fam } = setup(table);
  const a = testSession(core, U1);
  const b = testSession(core, U2);
  const ra = fam.spawn(a.h);
  fam.spawn(b.h);
  a.h.receive(frame({ cid: "1", match_leave: { match_id: "x" } }), false);
  await whenStopped(ra);
  assert.deepEqual(a.wire.closedWith, { code: 1011, reason: "internal error" });
  assert.equal(core.session(a.h.id), undefined, "cleaned up");
  b.h.receive(frame({ cid: "9", ping: {} }), false);
  while (b.wire.sent.length === 0) await new Promise((r) => setImmediate(r));
  assert.deepEqual(b.wire.envelopes()[0], { cid: "9", pong: {} });
  await kernel.shutdown();
});

test("the socket closing ends the session: presences gone, actor stopped", { timeout: 5000 }, async () => {
  const { kernel, core, fam } = setup({ ...defaultHandlers(), status_unfollow: { run: () => EMPTY } });
  const { h } = testSession(core, U1);
  const ref = fam.spawn(h);
  assert.ok(core.tracker.count() > 0);
  fam.ended(h);
  await whenStopped(ref);
  assert.equal(isAlive(ref), false);
  assert.equal(core.tracker.count(), 0);
  assert.equal(core.sessionCount(), 0);
  await kernel.shutdown();
});
