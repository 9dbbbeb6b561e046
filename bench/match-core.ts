// Owns a micro-benchmark of one JS (or Lua/native) match core's matchLoop call, in process, without
// actors or sessions: CPU µs per tick for a few handler bodies (empty tick, relay of 2 messages, …), so
// the VM-side cost of a tick can be compared before/after a change without a full match run.
//
//   npm run bench -- match-core [--js-build asyncify|sync] [--js-group G] [--ticks 20000] [--cores K] [--only NAME]
// With --cores K, K matches run the same handler and ticks go round-robin over them (cold caches, as
// in a server with many matches).
import { silentLogger } from "../src/log.js";
import { MatchCoreFactory } from "../src/match/engines/index.js";
import type { MatchCore, MatchDispatch, MatchMessage, MatchPresence, MatchSettings } from "../src/match/index.js";
import type { NkDeps } from "../src/runtime/nk/types.js";
import { fmt, table } from "./lib/stats.js";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
const TICKS = Number(arg("ticks", "20000"));
const CORES = Number(arg("cores", "1"));
const ONLY = arg("only", "");
const BUILD = arg("js-build", "asyncify") === "sync" ? "sync" : "asyncify";

const settings: MatchSettings = {
  node: "n1", inputQueueSize: 8, callQueueSize: 8, signalQueueSize: 2, joinAttemptQueueSize: 2, deferredQueueSize: 2,
  joinMarkerDeadlineMs: 1000, maxEmptySec: 0, callWaitMs: 1000, shutdownGraceSec: 0, callTimeoutMs: 2000,
  jsMemoryLimitBytes: 16 << 20, jsReadOnlyGlobals: true, jsBuild: BUILD, jsModuleGroupSize: Number(arg("js-group", "8")),
};

const bodies: Record<string, string> = {
  "empty handler": "return { state: state };",
  "read messages": "var n = 0; for (var i = 0; i < messages.length; i++) n += messages[i].opCode; return { state: state };",
  "allocate 20 objects": "for (var i = 0; i < 20; i++) { var o = { a: i, b: [i, 2, 3] }; } return { state: state };",
  "20 loop steps": "var x = 0; for (var i = 0; i < 20; i++) { x += i; } return { state: state };",
  relay: "for (var i = 0; i < messages.length; i++) { var m = messages[i]; dispatcher.broadcastMessage(m.opCode, m.data, null, m.sender, m.reliable); } return { state: state };",
  "relay, no sender": "for (var i = 0; i < messages.length; i++) { var m = messages[i]; dispatcher.broadcastMessage(m.opCode, m.data); } return { state: state };",
  "relay, string data": "for (var i = 0; i < messages.length; i++) { var m = messages[i]; dispatcher.broadcastMessage(m.opCode, 'abcdefghijklmnopqrstuvwxyz012345', null, m.sender); } return { state: state };",
};

function source(body: string): string {
  return `var h = {
  matchInit: function () { return { state: {}, tickRate: 10, label: "" }; },
  matchJoinAttempt: function (c, l, n, d, t, state) { return { state: state, accept: true }; },
  matchJoin: function (c, l, n, d, t, state) { return { state: state }; },
  matchLeave: function (c, l, n, d, t, state) { return { state: state }; },
  matchLoop: function (ctx, logger, nk, dispatcher, tick, state, messages) { ${body} },
  matchTerminate: function () { return null; },
  matchSignal: function (c, l, n, d, t, state) { return { state: state }; },
};
function InitModule(ctx, logger, nk, initializer) { initializer.registerMatch("m", h); }`;
}

const dispatch: MatchDispatch = { broadcast: () => undefined, kick: () => undefined, updateLabel: () => undefined };
const presence = (n: number): MatchPresence => ({
  userId: `00000000-0000-4000-8000-00000000000${n}`, sessionId: `10000000-0000-4000-8000-00000000000${n}`, username: `user${n}`, node: "n1", reason: 0,
});
const players = [presence(1), presence(2)];
const messages: MatchMessage[] = players.map((sender) => ({ sender, opCode: 1, data: new Uint8Array(32).fill(7), reliable: true, receiveTimeMs: Date.now() }));

const log = silentLogger();
const factory = new MatchCoreFactory(log);
const rows: string[][] = [];
for (const [name, body] of Object.entries(bodies)) {
  if (ONLY !== "" && name !== ONLY) continue;
  const src = { file: "index.js", source: source(body) };
  const cores: MatchCore[] = [];
  for (let k = 0; k < CORES; k++) {
    const core = await factory.create(
      { native: () => undefined, lua: new Map(), js: () => src },
      { matchId: "m", node: "n1", base: { env: {}, node: "n1", version: "b" }, handlerName: "m", dispatch, nk: {} as NkDeps, bindings: [], settings, log },
    );
    await core.init({});
    cores.push(core);
  }
  for (const [label, msgs] of [["0 msgs", []], ["2 msgs", messages]] as const) {
    for (let i = 0; i < 2000; i++) await cores[i % CORES].loop(i, msgs);
    const c0 = process.cpuUsage();
    for (let i = 0; i < TICKS; i++) await cores[i % CORES].loop(i, msgs);
    const c = process.cpuUsage(c0);
    rows.push([name, label, fmt((c.user + c.system) / TICKS, 1)]);
  }
  for (const core of cores) await core.close();
}
process.stdout.write(`\nmatch core, js ${BUILD} build, ${TICKS} ticks each over ${CORES} match(es)\n\n${table(["handler", "input", "CPU µs/tick"], rows)}\n`);
