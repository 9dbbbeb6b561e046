// Tests supervision as data: restart types, strategies, restart intensity, escalation and onFatal.
import { test } from "node:test";
import assert from "node:assert/strict";
import { GameError } from "../../src/errors.js";
import { silentLogger } from "../../src/log.js";
import { affected, recordRestart, shouldRestart } from "./supervision.js";
import { ask, createKernel, isAlive, tell, whenStopped } from "./index.js";
import type { ActorSpec, Kernel, Parent, RestartType, SupervisionSpec, Reply } from "./index.js";
import { Probe } from "./testkit.js";

type W = { type: "inc" } | { type: "crash" } | { type: "exit" } | { type: "get"; replyTo: Reply<number> };

function worker(name: string, events: Probe<string>, restart: RestartType = "permanent"): ActorSpec<W, number> {
  return {
    name,
    restart,
    init: () => {
      events.push(`init:${name}`);
      return 0;
    },
    handle: (n, m, ctx) => {
      switch (m.type) {
        case "inc":
          return n + 1;
        case "crash":
          throw new Error(`${name} crashed`);
        case "exit":
          ctx.stop();
          return n;
        case "get":
          m.replyTo.ok(n);
          return n;
      }
    },
    onStop: (n) => events.push(`stop:${name}:${n}`),
  };
}

const get = (ref: Parameters<typeof ask<W, W>>[0]) => ask(ref, (replyTo) => ({ type: "get", replyTo }), 2000);
const count = (events: Probe<string>, e: string) => events.seen.filter((x) => x === e).length;

function tree(spec: SupervisionSpec, names: string[], restart: RestartType[] = []) {
  const events = new Probe<string>();
  const fatal = new Probe<GameError>();
  const kernel: Kernel = createKernel({ log: silentLogger(), onFatal: (e) => fatal.push(e) });
  const sup = kernel.supervisor(kernel.root, { name: "sup", ...spec });
  const refs = names.map((n, i) => kernel.spawn(sup, worker(n, events, restart[i])));
  return { kernel, sup, refs, events, fatal };
}

test("rules: restart types, strategy groups, intensity window", () => {
  assert.equal(shouldRestart("permanent", "normal"), true);
  assert.equal(shouldRestart("transient", "normal"), false);
  assert.equal(shouldRestart("transient", "crash"), true);
  assert.equal(shouldRestart("temporary", "crash"), false);
  assert.deepEqual(affected("one-for-one", [1, 2, 3], 2), [2]);
  assert.deepEqual(affected("one-for-all", [1, 2, 3], 2), [1, 2, 3]);
  assert.deepEqual(affected("rest-for-one", [1, 2, 3], 2), [2, 3]);
  const times: number[] = [];
  const spec = { strategy: "one-for-one" as const, maxRestarts: 2, withinMs: 1000 };
  assert.equal(recordRestart(times, 0, spec), false);
  assert.equal(recordRestart(times, 500, spec), false);
  assert.equal(recordRestart(times, 900, spec), true);
  assert.equal(recordRestart(times, 1600, spec), false); // 0 and 500 fell out of the window
});

test("one-for-one: a crashing permanent child is re-inited; queued messages survive; siblings untouched", async () => {
  const { kernel, refs, events } = tree({ strategy: "one-for-one", maxRestarts: 10, withinMs: 10_000 }, ["a", "b"]);
  const [a, b] = refs;
  tell(a, { type: "inc" });
  tell(a, { type: "inc" });
  tell(b, { type: "inc" });
  tell(a, { type: "crash" });
  tell(a, { type: "inc" }); // arrives before the restart: kept in the mailbox
  await events.until((s) => s.includes("init:a") && count(events, "init:a") === 2);
  assert.equal(await get(a), 1);
  assert.equal(await get(b), 1);
  assert.equal(count(events, "init:b"), 1);
  assert.ok(events.seen.includes("stop:a:2"), "onStop saw the last state before the restart");
  assert.equal(kernel.metrics().restarts, 1);
  await kernel.shutdown();
});

test("temporary: a crash stops the child for good and runs its onStop", { timeout: 5000 }, async () => {
  const { kernel, refs, events } = tree({ strategy: "one-for-one", maxRestarts: 10, withinMs: 10_000 }, ["t"], ["temporary"]);
  const [t] = refs;
  tell(t, { type: "inc" });
  tell(t, { type: "crash" });
  await events.until((s) => s.includes("stop:t:1"));
  await whenStopped(t);
  assert.equal(count(events, "init:t"), 1);
  assert.equal(tell(t, { type: "inc" }), false);
  assert.equal(kernel.metrics().restarts, 0);
  assert.equal(kernel.metrics().actors, 0);
  await kernel.shutdown();
});

test("transient: restarted after a crash, not after a normal exit; permanent: restarted after both", async () => {
  const { kernel, refs, events } = tree({ strategy: "one-for-one", maxRestarts: 10, withinMs: 10_000 }, ["tr", "pe"], ["transient", "permanent"]);
  const [tr, pe] = refs;
  tell(tr, { type: "crash" });
  await events.until(() => count(events, "init:tr") === 2);
  tell(tr, { type: "exit" });
  await events.until((s) => s.includes("stop:tr:0"));
  tell(pe, { type: "exit" });
  await events.until(() => count(events, "init:pe") === 2);
  assert.equal(await get(pe), 0);
  await assert.rejects(get(tr)); // stopped for good
  assert.equal(count(events, "init:tr"), 2);
  await kernel.shutdown();
});

test("one-for-all: every child is stopped (reverse order) and re-inited (spawn order)", async () => {
  const { kernel, refs, events } = tree({ strategy: "one-for-all", maxRestarts: 10, withinMs: 10_000 }, ["a", "b", "c"]);
  tell(refs[1], { type: "crash" });
  await events.count(3 + 1 + 2 + 3);
  assert.deepEqual(events.seen.slice(3), ["stop:b:0", "stop:c:0", "stop:a:0", "init:a", "init:b", "init:c"]);
  await kernel.shutdown();
});

test("rest-for-one: the failed child and those spawned after it restart; earlier ones do not", async () => {
  const { kernel, refs, events } = tree({ strategy: "rest-for-one", maxRestarts: 10, withinMs: 10_000 }, ["a", "b", "c"]);
  tell(refs[1], { type: "crash" });
  await events.count(3 + 2 + 2);
  assert.deepEqual(events.seen.slice(3), ["stop:b:0", "stop:c:0", "init:b", "init:c"]);
  assert.equal(count(events, "init:a"), 1);
  await kernel.shutdown();
});

test("a temporary sibling taken down by one-for-all is not restarted", async () => {
  const { kernel, refs, events } = tree({ strategy: "one-for-all", maxRestarts: 10, withinMs: 10_000 }, ["p", "t"], ["permanent", "temporary"]);
  tell(refs[0], { type: "crash" });
  await events.until(() => count(events, "init:p") === 2);
  assert.ok(events.seen.includes("stop:t:0"));
  assert.equal(count(events, "init:t"), 1);
  assert.equal(isAlive(refs[1]), false);
  await kernel.shutdown();
});

test("restart intensity exceeded: the supervisor gives up, escalates, and is restarted by its parent", async () => {
  const { kernel, sup, refs, events, fatal } = tree({ strategy: "one-for-one", maxRestarts: 2, withinMs: 60_000 }, ["w", "v"]);
  const [w, v] = refs;
  tell(v, { type: "inc" });
  for (let i = 0; i < 3; i++) tell(w, { type: "crash" }); // 2 restarts allowed, the 3rd crash is one too many
  // w: initial + 2 restarts + the supervisor's restart; v: initial + the supervisor's restart.
  await events.until(() => count(events, "init:w") === 4 && count(events, "init:v") === 2);
  assert.ok(events.seen.includes("stop:v:1"), "the giving-up supervisor ended its other children");
  assert.equal(isAlive(sup), true);
  assert.equal(await get(w), 0);
  assert.equal(await get(v), 0);
  assert.equal(fatal.seen.length, 0);
  await kernel.shutdown();
});

test("an actor whose child exceeds its restart intensity crashes itself and is restarted by its parent", async () => {
  const events = new Probe<string>();
  const kernel = createKernel({ log: silentLogger() });
  const kids: Parent[] = [];
  const parent = kernel.spawn(kernel.root, {
    name: "parent",
    supervision: { strategy: "one-for-one", maxRestarts: 0, withinMs: 60_000 },
    init: (ctx) => {
      events.push("init:parent");
      kids.push(ctx.spawn(worker("kid", events)));
      return 0;
    },
    handle: (s: number) => s,
  });
  tell(kids[0] as Parameters<typeof tell<W>>[0], { type: "crash" });
  await events.until(() => count(events, "init:parent") === 2 && count(events, "init:kid") === 2);
  assert.equal(isAlive(parent), true);
  assert.equal(isAlive(kids[0]), false, "the old child was stopped with its parent's incarnation");
  assert.equal(isAlive(kids[1]), true);
  await kernel.shutdown();
});

test("root gives up: everything is stopped and onFatal is called once", async () => {
  const events = new Probe<string>();
  const fatal = new Probe<GameError>();
  const kernel = createKernel({ log: silentLogger(), root: { strategy: "one-for-one", maxRestarts: 1, withinMs: 60_000 }, onFatal: (e) => fatal.push(e) });
  const w = kernel.spawn(kernel.root, worker("w", events));
  const other = kernel.spawn(kernel.root, worker("other", events));
  tell(w, { type: "crash" });
  tell(w, { type: "crash" });
  await fatal.count(1);
  assert.ok(fatal.seen[0] instanceof GameError);
  assert.match(fatal.seen[0].message, /restart intensity exceeded/);
  assert.ok(events.seen.includes("stop:other:0"));
  assert.equal(isAlive(w), false);
  assert.equal(isAlive(other), false);
  assert.equal(isAlive(kernel.root), false);
  assert.equal(kernel.metrics().actors, 0);
  await kernel.shutdown();
});

test("a failing init is a crash: retried until the intensity is exceeded", async () => {
  const fatal = new Probe<GameError>();
  const kernel = createKernel({ log: silentLogger(), root: { strategy: "one-for-one", maxRestarts: 3, withinMs: 60_000 }, onFatal: (e) => fatal.push(e) });
  let inits = 0;
  kernel.spawn(kernel.root, {
    name: "bad",
    init: async () => {
      inits++;
      throw new Error("cannot start");
    },
    handle: (s: number) => s,
  });
  await fatal.count(1);
  assert.equal(inits, 4);
});

test("asks keep flowing through repeated crashes: every ask settles, none hangs", { timeout: 10_000 }, async () => {
  const kernel = createKernel({ log: silentLogger(), root: { strategy: "one-for-one", maxRestarts: 1000, withinMs: 60_000 } });
  type A = { type: "q"; n: number; replyTo: Reply<number> };
  const ref = kernel.spawn(kernel.root, {
    name: "flaky",
    init: () => 0,
    handle: async (s: number, m: A) => {
      if (m.n % 3 === 0) await Promise.resolve();
      if (m.n % 10 === 7) throw new Error("flaky");
      m.replyTo.ok(m.n);
      return s + 1;
    },
  });
  const results = await Promise.allSettled(Array.from({ length: 500 }, (_, n) => ask(ref, (replyTo) => ({ type: "q", n, replyTo }), 5000)));
  const failed = results.filter((r) => r.status === "rejected");
  assert.equal(failed.length, 50);
  for (const r of results) if (r.status === "rejected") assert.equal((r.reason as GameError).code, 13);
  assert.equal(kernel.metrics().restarts, 50);
  await kernel.shutdown();
});
