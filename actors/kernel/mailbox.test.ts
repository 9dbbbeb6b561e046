// Tests the ring buffer, the bounded mailbox's overflow policies (drop-newest, drop-oldest, reject) and
// eager actors (turn in a microtask, still one message at a time, in order).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code, GameError } from "../../src/errors.js";
import { silentLogger } from "../../src/log.js";
import { Ring } from "./mailbox.js";
import { ask, createKernel, dropCount, mailboxDepth, tell } from "./index.js";
import type { Overflow, Reply } from "./index.js";
import { Gate, Probe } from "./testkit.js";

test("ring buffer keeps FIFO order across growth and wrap-around", () => {
  const r = new Ring<number>();
  const out: number[] = [];
  for (let i = 0; i < 5; i++) r.push(i);
  out.push(r.shift() as number, r.shift() as number);
  for (let i = 5; i < 40; i++) r.push(i);
  assert.equal(r.length, 38);
  while (r.length > 0) out.push(r.shift() as number);
  assert.deepEqual(out, Array.from({ length: 40 }, (_, i) => i));
  assert.equal(r.shift(), undefined);
  r.push(7);
  assert.deepEqual(r.drain(), [7]);
  assert.equal(r.length, 0);
  for (let i = 1; i <= 20; i++) r.push(i);
  r.unshift(0);
  r.unshift(-1);
  assert.deepEqual(r.drain(), Array.from({ length: 22 }, (_, i) => i - 1));
});

type Msg = { type: "n"; n: number } | { type: "get"; replyTo: Reply<number> };

function boundedActor(overflow: Overflow) {
  const kernel = createKernel({ log: silentLogger() });
  const handled = new Probe<number>();
  const ref = kernel.spawn(kernel.root, {
    name: "bounded",
    mailbox: { capacity: 3, overflow },
    init: () => 0,
    handle: (s: number, m: Msg) => {
      if (m.type === "n") handled.push(m.n);
      else m.replyTo.ok(s);
      return s + 1;
    },
  });
  return { kernel, ref, handled };
}

// Tells made in one synchronous run all land in the mailbox before the actor's first turn.
function flood(ref: Parameters<typeof tell<Msg>>[0], n: number): boolean[] {
  return Array.from({ length: n }, (_, i) => tell(ref, { type: "n", n: i + 1 }));
}

test("drop-newest: the incoming message is refused, tell returns false, the queue is kept", async () => {
  const { kernel, ref, handled } = boundedActor("drop-newest");
  assert.deepEqual(flood(ref, 5), [true, true, true, false, false]);
  assert.equal(mailboxDepth(ref), 3);
  await handled.count(3);
  assert.deepEqual(handled.seen, [1, 2, 3]);
  assert.equal(dropCount(ref), 2);
  const m = kernel.metrics();
  assert.equal(m.dropped, 2);
  assert.equal(m.rejected, 0);
  await kernel.shutdown();
});

test("drop-oldest: the new message is enqueued and the oldest is shed", async () => {
  const { kernel, ref, handled } = boundedActor("drop-oldest");
  assert.deepEqual(flood(ref, 5), [true, true, true, true, true]);
  await handled.count(3);
  assert.deepEqual(handled.seen, [3, 4, 5]);
  assert.equal(kernel.metrics().dropped, 2);
  await kernel.shutdown();
});

test("drop-oldest: an ask whose message is shed fails at once with RESOURCE_EXHAUSTED", async () => {
  const { kernel, ref } = boundedActor("drop-oldest");
  const pending = ask(ref, (replyTo) => ({ type: "get", replyTo }), 60_000);
  flood(ref, 3);
  await assert.rejects(pending, (e: unknown) => e instanceof GameError && e.code === Code.RESOURCE_EXHAUSTED);
  await kernel.shutdown();
});

test("reject: tell returns false and ask fails at once with RESOURCE_EXHAUSTED", async () => {
  const { kernel, ref, handled } = boundedActor("reject");
  assert.deepEqual(flood(ref, 4), [true, true, true, false]);
  await assert.rejects(
    ask(ref, (replyTo) => ({ type: "get", replyTo }), 60_000),
    (e: unknown) => e instanceof GameError && e.code === Code.RESOURCE_EXHAUSTED,
  );
  await handled.count(3);
  assert.deepEqual(handled.seen, [1, 2, 3]);
  const m = kernel.metrics();
  assert.equal(m.rejected, 2);
  assert.equal(m.dropped, 0);
  // Once drained, the mailbox accepts again.
  assert.equal(await ask(ref, (replyTo) => ({ type: "get", replyTo }), 60_000), 3);
  await kernel.shutdown();
});

test("metrics report mailbox depth (total and max)", async () => {
  const { kernel, ref, handled } = boundedActor("reject");
  flood(ref, 2);
  const m = kernel.metrics();
  assert.equal(m.mailboxTotal, 2);
  assert.equal(m.mailboxMax, 2);
  assert.equal(m.actors, 1);
  await handled.count(2);
  assert.equal(kernel.metrics().mailboxTotal, 0);
  await kernel.shutdown();
});

type O = { type: "start" } | { type: "piped"; value: number } | { type: "n"; n: number };

test("own messages (piped results, ticks) bypass the capacity and are never shed", { timeout: 5000 }, async () => {
  const kernel = createKernel({ log: silentLogger() });
  const gate = new Gate();
  const seen = new Probe<string>();
  const ref = kernel.spawn(kernel.root, {
    name: "own",
    mailbox: { capacity: 2, overflow: "drop-oldest" },
    init: () => 0,
    handle: async (s: number, m: O, ctx) => {
      if (m.type === "start") {
        ctx.pipeToSelf(Promise.resolve(42), (r) => ({ type: "piped", value: r.ok ? r.value : -1 }));
        seen.push("start");
        await gate.wait;
      } else seen.push(m.type === "piped" ? `piped:${m.value}` : `n:${m.n}`);
      return s + 1;
    },
  });
  tell(ref, { type: "start" });
  await seen.count(1);
  await new Promise<void>((resolve) => setImmediate(resolve)); // the piped result is queued by now
  assert.equal(mailboxDepth(ref), 1);
  for (let n = 1; n <= 5; n++) assert.equal(tell(ref, { type: "n", n }), true);
  assert.equal(mailboxDepth(ref), 3, "capacity 2 for others, plus the own entry");
  gate.open();
  await seen.count(4);
  assert.deepEqual(seen.seen, ["start", "piped:42", "n:4", "n:5"]);
  assert.equal(dropCount(ref), 3);
  await kernel.shutdown();
});

test("eager actor: a message to an idle actor is handled before the next event-loop turn, one at a time, in order", async () => {
  const kernel = createKernel({ log: silentLogger() });
  const seen: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const gate = new Gate();
  const ref = kernel.spawn(kernel.root, {
    name: "eager",
    eager: true,
    init: () => 0,
    handle: async (s: number, m: { type: "n"; n: number; wait: boolean }) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      seen.push(`start ${m.n}`);
      if (m.wait) await gate.wait;
      seen.push(`end ${m.n}`);
      inFlight--;
      return s + 1;
    },
  });
  const immediate = new Promise<string>((resolve) => setImmediate(() => resolve(seen.join(","))));
  tell(ref, { type: "n", n: 1, wait: false });
  assert.deepEqual(seen, [], "not handled inside tell");
  assert.equal(await immediate, "start 1,end 1");
  tell(ref, { type: "n", n: 2, wait: true });
  tell(ref, { type: "n", n: 3, wait: false });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(seen.slice(2), ["start 2"], "the next message waits for the async handler");
  gate.open();
  const done = new Probe<number>();
  const poll = (): void => void (seen.length >= 6 ? done.push(1) : setImmediate(poll));
  poll();
  await done.count(1);
  assert.deepEqual(seen.slice(2), ["start 2", "end 2", "start 3", "end 3"]);
  assert.equal(maxInFlight, 1);
  await kernel.shutdown();
});
