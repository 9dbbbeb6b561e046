// Owns the proto codec micro-benchmark: encode/decode of typical realtime envelopes (JSON and
// protobuf) against JSON.stringify/JSON.parse of the same data. Run: `npx tsx proto/bench.ts`.
// Prints one line per case; no assertions (timings vary by machine, see reference/performance.md).
import { decodeBinary, encodeBinary, fromJson, rt, toJson } from "../proto/index.js";
import type { Init } from "../proto/index.js";

const presence = { user_id: "0f2b8b72-1a4c-4d0e-9b1e-3c5a3b9f6d21", session_id: "7e1d2c44-9f0a-4b8e-a1d2-5c6b7a8d9e0f", username: "player_one", status: "" };

const cases: { name: string; value: Init<rt.Envelope> }[] = [
  {
    name: "match_data (relay push)",
    value: {
      match_data: {
        match_id: "5c3f2a9e-8b7d-4c61-a0f4-2e9d8c7b6a51.nakama1", presence, op_code: "7",
        data: new TextEncoder().encode(JSON.stringify({ x: 12.5, y: -3.25, vx: 0.75, vy: 1.5, hp: 97, seq: 12345 })),
        reliable: true,
      },
    },
  },
  {
    name: "channel_message (chat push)",
    value: {
      channel_message: {
        channel_id: "2...lobby", message_id: "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", code: 0,
        sender_id: presence.user_id, username: "player_one", content: JSON.stringify({ text: "gg, rematch in five?" }),
        create_time: new Date("2023-11-14T22:13:20Z"), update_time: new Date("2023-11-14T22:13:20Z"),
        persistent: true, room_name: "lobby",
      },
    },
  },
  {
    name: "match_data_send (client request)",
    value: {
      cid: "42",
      match_data_send: {
        match_id: "5c3f2a9e-8b7d-4c61-a0f4-2e9d8c7b6a51.nakama1", op_code: "3",
        data: new TextEncoder().encode(JSON.stringify({ input: { up: true, left: false, fire: true }, tick: 88231, aim: [0.25, -0.5] })),
        reliable: true,
      },
    },
  },
];

/** Best of 5 rounds, in CPU time (user + system) of this process: steadier than wall time on a busy box. */
function time(label: string, iterations: number, fn: () => unknown): void {
  for (let i = 0; i < iterations / 10; i++) fn();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < iterations; i++) fn();
    const d = process.cpuUsage(t0);
    best = Math.min(best, (d.user + d.system) / iterations);
  }
  process.stdout.write(`  ${label.padEnd(34)} ${best.toFixed(3)} µs\n`);
}

const N = 200_000;
for (const c of cases) {
  const json = toJson(rt.Envelope, c.value);
  const bin = encodeBinary(rt.Envelope, c.value);
  const decoded = fromJson(rt.Envelope, json);
  const plain: unknown = JSON.parse(json);
  process.stdout.write(`${c.name}: JSON ${json.length} bytes, protobuf ${bin.length} bytes\n`);
  time("toJson", N, () => toJson(rt.Envelope, decoded));
  time("fromJson (text, strict)", N, () => fromJson(rt.Envelope, json));
  time("  baseline JSON.stringify", N, () => JSON.stringify(plain));
  time("  baseline JSON.parse", N, () => JSON.parse(json));
  time("encodeBinary", N, () => encodeBinary(rt.Envelope, decoded));
  time("decodeBinary", N, () => decodeBinary(rt.Envelope, bin));
}
