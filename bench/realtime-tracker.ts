// Owns the measurement behind "the tracker is a plain data structure next to an actor": the cost of the
// tracker's operations called directly versus through an actor that owns it (tell, and ask with reply).
// In-process micro-benchmark, CPU time of this process; prints µs per operation.
//   npm run bench -- realtime-tracker [sessions]
import { silentLogger } from "../src/log.js";
import { ask, createKernel, tell, type Reply } from "../actors/kernel/index.js";
import { StreamMode, streamId, type Tracker } from "../src/realtime/index.js";
import { testCore, testSession } from "../src/realtime/testkit.js";
import { fmt, table } from "./lib/stats.js";

const sessions = Number(process.argv[2] ?? 400);
const core = testCore();
const tracker: Tracker = core.tracker;
const handles = Array.from({ length: sessions }, (_, i) => testSession(core, `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`).h);
const matchOf = (i: number) => streamId(StreamMode.MATCH_RELAYED, `10000000-0000-4000-8000-${String(Math.floor(i / 4)).padStart(12, "0")}`);
const meta = { username: "u", hidden: false, persistence: false, status: "" };
handles.forEach((h, i) => tracker.track(h, matchOf(i), meta));
tracker.takeEvents();

function cpuMicros(n: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(n, 10_000); i++) fn(i);
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) fn(i);
  const d = process.cpuUsage(t0);
  tracker.takeEvents();
  return (d.user + d.system) / n;
}

const N = 200_000;
const extra = streamId(99, "", "", "bench");
const direct = {
  members: cpuMicros(N, (i) => {
    const s = tracker.streamByKey(`${StreamMode.MATCH_RELAYED}.${matchOf(i % sessions).subject}..`);
    let n = 0;
    for (const _p of s?.members.values() ?? []) n++;
    if (n !== 4) throw new Error("bad stream");
  }),
  trackUntrack: cpuMicros(N, (i) => {
    const h = handles[i % sessions];
    tracker.track(h, extra, meta);
    tracker.untrack(h.id, extra);
    if (i % 64 === 0) tracker.takeEvents(); // events are dispatched in batches
  }),
};

type Msg =
  | { type: "members"; i: number; replyTo: Reply<number> }
  | { type: "track"; i: number }
  | { type: "track-ask"; i: number; replyTo: Reply<boolean> };

const kernel = createKernel({ log: silentLogger() });
const ref = kernel.spawn<Msg, null>(kernel.root, {
  name: "tracker",
  mailbox: { capacity: 1_000_000, overflow: "reject" },
  init: () => null,
  handle: (s, m) => {
    const h = handles[m.i % sessions];
    if (m.type === "members") m.replyTo.ok(tracker.streamByKey(`5.${matchOf(m.i % sessions).subject}..`)?.members.size ?? 0);
    else {
      tracker.track(h, extra, meta);
      tracker.untrack(h.id, extra);
      if (m.i % 64 === 0) tracker.takeEvents();
      if (m.type === "track-ask") m.replyTo.ok(true);
    }
    return s;
  },
});

async function actorMicros(n: number, run: (i: number) => Promise<unknown>, concurrent: number): Promise<number> {
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i += concurrent) await Promise.all(Array.from({ length: concurrent }, (_, k) => run(i + k)));
  // Tells return at once: wait until the actor has handled everything before stopping the clock.
  await ask(ref, (r) => ({ type: "members", i: 0, replyTo: r }), 60_000);
  const d = process.cpuUsage(t0);
  tracker.takeEvents();
  return (d.user + d.system) / n;
}

const viaActor = {
  membersAsk: await actorMicros(N / 4, (i) => ask(ref, (r) => ({ type: "members", i, replyTo: r }), 5000), 256),
  trackAsk: await actorMicros(N / 4, (i) => ask(ref, (r) => ({ type: "track-ask", i, replyTo: r }), 5000), 256),
  trackTell: await actorMicros(N / 4, async (i) => void tell(ref, { type: "track", i }), 256),
};
await kernel.shutdown();

console.log(`tracker with ${sessions} sessions in ${sessions / 4} relayed matches; CPU µs per operation`);
console.log(table(["operation", "direct call", "actor: tell", "actor: ask"], [
  ["list a match's members (relay hot path)", fmt(direct.members, 3), "–", fmt(viaActor.membersAsk, 3)],
  ["track + untrack", fmt(direct.trackUntrack, 3), fmt(viaActor.trackTell, 3), fmt(viaActor.trackAsk, 3)],
]));
