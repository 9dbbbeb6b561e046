// Tests ask: success, deadline, fast failure on a stopped actor, late replies, error replies,
// a crash on the asked message, and dead-letter counting.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code, GameError } from "../../src/errors.js";
import { silentLogger } from "../../src/log.js";
import type { Reply } from "./index.js";
import { ask, createKernel, ManualClock, stop, tell } from "./index.js";
import { Probe } from "./testkit.js";

type Msg =
  | { type: "add"; n: number; replyTo: Reply<number> }
  | { type: "hold"; replyTo: Reply<string> }
  | { type: "deny"; replyTo: Reply<number> }
  | { type: "boom"; replyTo: Reply<number> }
  | { type: "note"; text: string };

function setup(clock?: ManualClock) {
  const kernel = createKernel({ log: silentLogger(), clock });
  const held: Reply<string>[] = [];
  const received = new Probe<string>();
  const ref = kernel.spawn(kernel.root, {
    name: "calc",
    init: () => 0,
    handle: (sum: number, m: Msg) => {
      received.push(m.type);
      switch (m.type) {
        case "add":
          m.replyTo.ok(sum + m.n);
          return sum + m.n;
        case "hold":
          held.push(m.replyTo); // answered later by the test
          return sum;
        case "deny":
          m.replyTo.fail(new GameError(Code.PERMISSION_DENIED, "not yours"));
          return sum;
        case "boom":
          throw new Error("kaboom");
        case "note":
          return sum;
      }
    },
  });
  return { kernel, ref, held, received };
}

const isCode = (code: number) => (e: unknown) => e instanceof GameError && e.code === code;

test("ask resolves with the typed reply", async () => {
  const { kernel, ref } = setup();
  assert.equal(await ask(ref, (replyTo) => ({ type: "add", n: 2, replyTo }), 1000), 2);
  assert.equal(await ask(ref, (replyTo) => ({ type: "add", n: 5, replyTo }), 1000), 7);
  await kernel.shutdown();
});

test("many concurrent asks all resolve with their own answer", async () => {
  const { kernel, ref } = setup();
  const answers = await Promise.all(Array.from({ length: 2000 }, () => ask(ref, (replyTo) => ({ type: "add", n: 1, replyTo }), 5000)));
  assert.deepEqual(answers, Array.from({ length: 2000 }, (_, i) => i + 1));
  await kernel.shutdown();
});

test("ask without an answer fails with DEADLINE_EXCEEDED at the deadline (manual clock)", async () => {
  const clock = new ManualClock();
  const { kernel, ref, received } = setup(clock);
  let settled = false;
  const pending = ask(ref, (replyTo) => ({ type: "hold", replyTo }), 500);
  pending.catch(() => undefined).finally(() => (settled = true));
  await received.count(1);
  clock.advance(499);
  await Promise.resolve();
  assert.equal(settled, false);
  clock.advance(1);
  await assert.rejects(pending, isCode(Code.DEADLINE_EXCEEDED));
  await kernel.shutdown();
});

test("a reply after the deadline is ignored and counted", async () => {
  const clock = new ManualClock();
  const { kernel, ref, held, received } = setup(clock);
  const pending = ask(ref, (replyTo) => ({ type: "hold", replyTo }), 100);
  await received.count(1);
  clock.advance(100);
  await assert.rejects(pending, isCode(Code.DEADLINE_EXCEEDED));
  assert.equal(held[0].settled, true);
  held[0].ok("too late"); // must not throw nor resolve anything
  held[0].fail(new GameError(Code.INTERNAL, "also late"));
  assert.equal(kernel.metrics().lateReplies, 2);
  // The actor is unaffected.
  assert.equal(await ask(ref, (replyTo) => ({ type: "add", n: 1, replyTo }), 100), 1);
  await kernel.shutdown();
});

test("an answered ask cancels its deadline timer", async () => {
  const clock = new ManualClock();
  const { kernel, ref } = setup(clock);
  assert.equal(await ask(ref, (replyTo) => ({ type: "add", n: 3, replyTo }), 100), 3);
  assert.equal(clock.pending, 0);
  await kernel.shutdown();
});

test("an error reply rejects the ask with that GameError", async () => {
  const { kernel, ref } = setup();
  await assert.rejects(
    ask(ref, (replyTo) => ({ type: "deny", replyTo }), 1000),
    (e: unknown) => e instanceof GameError && e.code === Code.PERMISSION_DENIED && e.message === "not yours",
  );
  await kernel.shutdown();
});

test("a handler crash on the asked message fails the ask at once with INTERNAL", async () => {
  const { kernel, ref } = setup();
  await assert.rejects(ask(ref, (replyTo) => ({ type: "boom", replyTo }), 60_000), isCode(Code.INTERNAL));
  await kernel.shutdown();
});

// With a manual clock the deadline can never fire: only a fast failure settles the ask.
test("ask to a stopped actor fails fast with UNAVAILABLE; tell returns false; both are dead letters", { timeout: 5000 }, async () => {
  const { kernel, ref } = setup(new ManualClock());
  await stop(ref);
  await assert.rejects(ask(ref, (replyTo) => ({ type: "add", n: 1, replyTo }), 100), isCode(Code.UNAVAILABLE));
  assert.equal(tell(ref, { type: "note", text: "anyone?" }), false);
  assert.equal(kernel.metrics().deadLetters, 2);
  await kernel.shutdown();
});

test("messages still queued when an actor stops are dead letters; their asks fail with UNAVAILABLE", async () => {
  const { kernel, ref } = setup();
  tell(ref, { type: "note", text: "a" });
  tell(ref, { type: "note", text: "b" });
  const pending = ask(ref, (replyTo) => ({ type: "add", n: 1, replyTo }), 60_000);
  const stopped = stop(ref); // before the actor's first turn
  await assert.rejects(pending, isCode(Code.UNAVAILABLE));
  await stopped;
  assert.equal(kernel.metrics().deadLetters, 3);
  await kernel.shutdown();
});
