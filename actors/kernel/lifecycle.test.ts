// Tests ordering (async handlers included), async init, timers and their tick policy, pipe-to-self,
// stop semantics (in-flight handler, reverse order), spawn errors and pino logging of decisions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code, GameError } from "../../src/errors.js";
import { createLogger, silentLogger } from "../../src/log.js";
import { createKernel, ManualClock, spawn, stop, stopChildren, supervisor, tell, whenStopped } from "./index.js";
import type { ActorSpec, Result } from "./index.js";
import { Gate, Probe } from "./testkit.js";

const turnOfLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test("an async handler finishes before the next message starts, and order is kept", { timeout: 5000 }, async () => {
  const kernel = createKernel({ log: silentLogger(), batch: 4 });
  const trace = new Probe<string>();
  const ref = kernel.spawn(kernel.root, {
    name: "ordered",
    init: () => 0,
    handle: async (s: number, n: number) => {
      trace.push(`start:${n}`);
      for (let i = 0; i < n % 3; i++) await turnOfLoop(); // uneven, real event-loop waits
      trace.push(`end:${n}`);
      return s + 1;
    },
  });
  for (let n = 0; n < 30; n++) tell(ref, n);
  await trace.count(60);
  const expected = Array.from({ length: 30 }, (_, n) => [`start:${n}`, `end:${n}`]).flat();
  assert.deepEqual(trace.seen, expected);
  await kernel.shutdown();
});

test("messages sent during an async init wait for it and keep their order", { timeout: 5000 }, async () => {
  const kernel = createKernel({ log: silentLogger() });
  const gate = new Gate();
  const seen = new Probe<string>();
  const ref = kernel.spawn(kernel.root, {
    name: "slow-init",
    init: async () => {
      await gate.wait;
      seen.push("ready");
      return "";
    },
    handle: (s: string, m: string) => {
      seen.push(m);
      return s + m;
    },
  });
  tell(ref, "a");
  tell(ref, "b");
  await turnOfLoop();
  assert.deepEqual(seen.seen, []);
  gate.open();
  await seen.count(3);
  assert.deepEqual(seen.seen, ["ready", "a", "b"]);
  await kernel.shutdown();
});

type T = { type: "tick" } | { type: "once" };

test("repeat and one-shot timers fire on the clock and are cancelled when the actor stops", { timeout: 5000 }, async () => {
  const clock = new ManualClock();
  const kernel = createKernel({ log: silentLogger(), clock });
  const seen = new Probe<string>();
  const ref = kernel.spawn(kernel.root, {
    name: "ticker",
    init: (ctx) => {
      ctx.scheduleRepeat(100, { type: "tick" });
      ctx.scheduleOnce(1000, { type: "once" });
      return 0;
    },
    handle: (s: number, m: T) => {
      seen.push(m.type);
      return s + 1;
    },
  });
  for (let i = 1; i <= 3; i++) {
    clock.advance(100);
    await seen.count(i);
  }
  assert.deepEqual(seen.seen, ["tick", "tick", "tick"]);
  await stop(ref);
  assert.equal(clock.pending, 0, "no timer left behind");
  clock.advance(5000);
  await turnOfLoop();
  assert.equal(seen.seen.length, 3);
  await kernel.shutdown();
});

test("a slow tick makes later ticks skip instead of piling up", { timeout: 5000 }, async () => {
  const clock = new ManualClock();
  const kernel = createKernel({ log: silentLogger(), clock });
  const gate = new Gate();
  const seen = new Probe<string>();
  kernel.spawn(kernel.root, {
    name: "slow-tick",
    init: (ctx) => {
      ctx.scheduleRepeat(100, { type: "tick" });
      return 0;
    },
    handle: async (s: number) => {
      seen.push(`start:${s}`);
      if (s === 0) await gate.wait;
      seen.push(`end:${s}`);
      return s + 1;
    },
  });
  clock.advance(100);
  await seen.count(1);
  clock.advance(400); // four more periods while tick 0 is still running
  assert.equal(kernel.metrics().skippedTicks, 4);
  gate.open();
  await seen.count(2);
  await turnOfLoop();
  assert.deepEqual(seen.seen, ["start:0", "end:0"], "no backlog of ticks");
  clock.advance(100);
  await seen.count(4);
  assert.deepEqual(seen.seen.slice(2), ["start:1", "end:1"]);
  await kernel.shutdown();
});

test("timers of a crashed incarnation are cancelled; the new incarnation has its own", { timeout: 5000 }, async () => {
  const clock = new ManualClock();
  const kernel = createKernel({ log: silentLogger(), clock });
  const seen = new Probe<string>();
  const inits = new Probe<number>();
  kernel.spawn(kernel.root, {
    name: "crashy",
    init: (ctx) => {
      ctx.scheduleRepeat(100, { type: "tick" });
      inits.push(inits.seen.length + 1);
      return inits.seen.length;
    },
    handle: (s: number) => {
      seen.push(`tick:${s}`);
      if (s === 1) throw new Error("first incarnation dies on its first tick");
      return s;
    },
  });
  clock.advance(100);
  await seen.count(1);
  await inits.count(2);
  assert.equal(clock.pending, 1, "only the new incarnation's timer remains");
  clock.advance(100);
  await seen.count(2);
  assert.deepEqual(seen.seen, ["tick:1", "tick:2"]);
  await kernel.shutdown();
});

type P = { type: "load"; fail: boolean } | { type: "loaded"; result: Result<string> };

test("pipeToSelf brings a promise's outcome back as a message", { timeout: 5000 }, async () => {
  const kernel = createKernel({ log: silentLogger() });
  const seen = new Probe<string>();
  const ref = kernel.spawn(kernel.root, {
    name: "loader",
    init: () => 0,
    handle: (s: number, m: P, ctx) => {
      if (m.type === "load") {
        const io = m.fail ? Promise.reject(new GameError(Code.NOT_FOUND, "no row")) : Promise.resolve("row");
        ctx.pipeToSelf(io, (result) => ({ type: "loaded", result }));
        seen.push("asked");
      } else if (m.result.ok) seen.push(`ok:${m.result.value}`);
      else seen.push(`err:${m.result.error.code}:${m.result.error.message}`);
      return s + 1;
    },
  });
  tell(ref, { type: "load", fail: false });
  tell(ref, { type: "load", fail: true });
  await seen.count(4);
  assert.deepEqual(seen.seen.slice(0, 2), ["asked", "asked"]);
  assert.deepEqual([...seen.seen.slice(2)].sort(), [`err:${Code.NOT_FOUND}:no row`, "ok:row"]);
  await kernel.shutdown();
});

test("stop waits for the in-flight handler, then onStop sees the final state", { timeout: 5000 }, async () => {
  const kernel = createKernel({ log: silentLogger() });
  const gate = new Gate();
  const seen = new Probe<string>();
  const ref = kernel.spawn(kernel.root, {
    name: "busy",
    init: () => 0,
    handle: async (s: number) => {
      seen.push("handling");
      await gate.wait;
      return s + 10;
    },
    onStop: (s) => seen.push(`onStop:${s}`),
  });
  tell(ref, 1);
  tell(ref, 2); // still queued when stop begins: a dead letter
  await seen.count(1);
  const stopped = stop(ref);
  await turnOfLoop();
  assert.deepEqual(seen.seen, ["handling"]);
  gate.open();
  await stopped;
  assert.deepEqual(seen.seen, ["handling", "onStop:10"]);
  assert.equal(kernel.metrics().deadLetters, 1);
  await kernel.shutdown();
});

test("a handler that never finishes delays a stop by at most stopTimeoutMs", { timeout: 5000 }, async () => {
  const clock = new ManualClock();
  const kernel = createKernel({ log: silentLogger(), clock, stopTimeoutMs: 1000 });
  const seen = new Probe<string>();
  const ref = kernel.spawn(kernel.root, {
    name: "hung",
    init: () => 1,
    handle: async (s: number) => {
      seen.push("hanging");
      await new Promise<never>(() => undefined);
      return s + 1;
    },
    onStop: (s) => seen.push(`onStop:${s}`),
  });
  tell(ref, 1);
  await seen.count(1);
  let stopped = false;
  const stopping = stop(ref).then(() => (stopped = true));
  await turnOfLoop();
  assert.equal(stopped, false);
  clock.advance(1000);
  await stopping;
  assert.deepEqual(seen.seen, ["hanging", "onStop:1"]);
  await kernel.shutdown();
});

function recorder(name: string, seen: Probe<string>): ActorSpec<string, null> {
  return { name, init: () => null, handle: (s) => s, onStop: () => seen.push(name) };
}

test("stopChildren stops in reverse spawn order and keeps the supervisor running", { timeout: 5000 }, async () => {
  const kernel = createKernel({ log: silentLogger() });
  const seen = new Probe<string>();
  const sup = supervisor(kernel.root, { name: "services", strategy: "one-for-one", maxRestarts: 3, withinMs: 1000 });
  for (const n of ["storage", "runtime", "sessions", "transport"]) spawn(sup, recorder(n, seen));
  await stopChildren(sup);
  assert.deepEqual(seen.seen, ["transport", "sessions", "runtime", "storage"]);
  spawn(sup, recorder("again", seen)); // a name is free again and the supervisor still accepts children
  await kernel.shutdown();
  assert.deepEqual(seen.seen.slice(4), ["again"]);
});

test("shutdown stops the whole tree depth-first in reverse order", { timeout: 5000 }, async () => {
  const kernel = createKernel({ log: silentLogger() });
  const seen = new Probe<string>();
  const a = kernel.supervisor(kernel.root, { name: "a", strategy: "one-for-one", maxRestarts: 3, withinMs: 1000 });
  kernel.spawn(a, recorder("a1", seen));
  kernel.spawn(a, recorder("a2", seen));
  const b = kernel.supervisor(kernel.root, { name: "b", strategy: "one-for-one", maxRestarts: 3, withinMs: 1000 });
  kernel.spawn(b, recorder("b1", seen));
  await kernel.shutdown();
  assert.deepEqual(seen.seen, ["b1", "a2", "a1"]);
  await whenStopped(a);
});

test("spawn rejects a taken name, an invalid name, and a stopped parent", async () => {
  const kernel = createKernel({ log: silentLogger() });
  const spec = recorder("x", new Probe<string>());
  const x = kernel.spawn(kernel.root, spec);
  assert.throws(() => kernel.spawn(kernel.root, spec), (e: unknown) => e instanceof GameError && e.code === Code.ALREADY_EXISTS);
  assert.throws(() => kernel.spawn(kernel.root, { ...spec, name: "a/b" }), (e: unknown) => e instanceof GameError && e.code === Code.INVALID_ARGUMENT);
  await stop(x);
  assert.throws(() => kernel.spawn(x, { ...spec, name: "child" }), (e: unknown) => e instanceof GameError && e.code === Code.FAILED_PRECONDITION);
  await kernel.shutdown();
});

test("supervision decisions and crashes are logged through pino", { timeout: 5000 }, async () => {
  const lines = new Probe<Record<string, unknown>>();
  const log = createLogger({ level: "debug", destination: { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) } });
  const kernel = createKernel({ log });
  const ref = kernel.spawn(kernel.root, {
    name: "logged",
    init: () => 0,
    handle: (): number => {
      throw new Error("bad message");
    },
  });
  tell(ref, 1);
  await lines.until((s) => s.some((l) => String(l.msg).startsWith("supervision: restarting")));
  const crash = lines.seen.find((l) => l.msg === "actor crashed");
  assert.equal(crash?.actor, "/root/logged");
  assert.equal(crash?.module, "kernel");
  assert.equal(crash?.level, "error");
  await kernel.shutdown();
});
