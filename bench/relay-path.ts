// Owns the measurement of the relay's own JavaScript share per delivery, free of sockets, actors and
// other processes: relayed matches on an in-memory RealtimeCore whose sockets count writes. Every round,
// each player's match_data_send frame (a private copy, as the transport makes) goes through the real
// dispatch (decode → handler → encode once → enqueue), then one flush writes each recipient's batch.
// CPU time of this process per delivery, best of several runs (a loaded machine only adds time).
//   npm run bench -- relay-path [--matches 100] [--players 4] [--payload 64] [--rounds 2000] [--runs 5]
//     [--format protobuf|json|both]
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { encodeBinary, rt, toJson, type Init } from "../proto/index.js";
import { silentLogger } from "../src/log.js";
import { StreamMode, defaultHandlers, processFrame, type SessionFormat, type SessionHandle, type Wire } from "../src/realtime/index.js";
import { testCore, testSession } from "../src/realtime/testkit.js";

const { values: o } = parseArgs({
  options: {
    matches: { type: "string", default: "100" },
    players: { type: "string", default: "4" },
    payload: { type: "string", default: "64" },
    rounds: { type: "string", default: "2000" },
    runs: { type: "string", default: "5" },
    format: { type: "string", default: "both" },
  },
});
const matches = Number(o.matches);
const players = Number(o.players);
const rounds = Number(o.rounds);

/** A socket that accepts everything and counts it. */
class CountingWire implements Wire {
  sent = 0;
  readonly closed = false;
  send(): "ok" {
    this.sent++;
    return "ok";
  }
  cork(fn: () => void): void {
    fn();
  }
  close(): void {}
  ping(): void {}
}

interface Setup {
  readonly run: () => void;
  readonly flush: () => void;
  readonly sent: () => number;
}

function setup(format: SessionFormat): Setup {
  const core = testCore({ settings: { outgoingQueueSize: 1 << 20 } });
  const table = defaultHandlers();
  const log = silentLogger();
  const encode = (env: Init<rt.Envelope>): Buffer =>
    format === "protobuf" ? Buffer.from(encodeBinary(rt.Envelope, env)) : Buffer.from(toJson(rt.Envelope, env));
  const wires: CountingWire[] = [];
  const senders: Array<{ h: SessionHandle; frame: Buffer }> = [];
  for (let m = 0; m < matches; m++) {
    const group = Array.from({ length: players }, () => {
      const { h } = testSession(core, randomUUID(), format);
      const wire = new CountingWire();
      Object.defineProperty(h, "wire", { value: wire });
      wires.push(wire);
      return h;
    });
    const name = `relay-path-${m}`;
    for (const h of group) void processFrame(core, table, h, encode({ cid: "1", match_create: { name } }), log);
    const id = `${(core.tracker.sessionPresences(group[0].id).find((p) => p.stream.id.mode === StreamMode.MATCH_RELAYED)?.stream.id.subject ?? "")}.`;
    const frame = encode({ match_data_send: { match_id: id, op_code: "1", data: Buffer.alloc(Number(o.payload), "x") } });
    for (const h of group) senders.push({ h, frame });
  }
  const flusher = core.flusher as unknown as { run: () => void };
  return {
    run: () => {
      for (const { h, frame } of senders) void processFrame(core, table, h, Buffer.copyBytesFrom(frame), log);
    },
    flush: () => flusher.run(),
    sent: () => wires.reduce((n, w) => n + w.sent, 0),
  };
}

function measure(format: SessionFormat): { best: number; deliveries: number } {
  const s = setup(format);
  s.flush();
  for (let i = 0; i < 200; i++) {
    s.run();
    s.flush();
  }
  let best = Infinity;
  let deliveries = 0;
  for (let r = 0; r < Number(o.runs); r++) {
    const before = s.sent();
    const t0 = process.cpuUsage();
    for (let i = 0; i < rounds; i++) {
      s.run();
      s.flush();
    }
    const d = process.cpuUsage(t0);
    deliveries = s.sent() - before;
    best = Math.min(best, (d.user + d.system) / deliveries);
  }
  return { best, deliveries };
}

const formats: SessionFormat[] = o.format === "both" ? ["protobuf", "json"] : [o.format as SessionFormat];
console.log(`relay path, in process: ${matches} matches × ${players} players, ${o.payload}-byte payloads, ${rounds} rounds × ${o.runs} runs`);
console.log("| format | deliveries per run | µs CPU per delivery (best run) |\n| --- | --- | --- |");
for (const f of formats) {
  const r = measure(f);
  console.log(`| ${f} | ${r.deliveries} | ${r.best.toFixed(3)} |`);
}
// The Flusher's own setImmediate runs may still be pending: let them go, then exit.
setImmediate(() => process.exit(0));
