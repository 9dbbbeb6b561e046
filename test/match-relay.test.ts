// Black-box: a real-time relay game in each runtime (every input broadcast to every member each tick,
// with its sender), played by JSON and protobuf nakama-js clients together; the bounded input queue
// (match.input_queue_size: overflow dropped with a warning); match.max_empty_sec ending an empty match.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { BootedServer } from "./helpers/boot.js";
import { closeAll, type Push } from "./realtime-kit.js";
import { eventually } from "./runtime-kit.js";
import { RUNTIMES, bootMatches, callRpc, createMatch, join, player } from "./match-kit.js";

let s: BootedServer;

before(async () => {
  s = await bootMatches({ "match.input_queue_size": 4, "match.max_empty_sec": 1 });
});
after(async () => {
  await s.stop();
});

const relayed = (op: number, text: string) => (e: Push) =>
  e.kind === "match_data" && e.value.op_code === op && Buffer.from(e.value.data as Uint8Array).toString() === text;

for (const rt of RUNTIMES) {
  describe(`relay game (${rt})`, () => {
    test("every input reaches every member, with its sender and reliable flag, JSON and protobuf alike", async () => {
      const [a, b, c] = await Promise.all([player(s, `${rt}-r-a`), player(s, `${rt}-r-b`, "protobuf"), player(s, `${rt}-r-c`)]);
      const id = await createMatch(s, a, rt, `${rt}_relay`);
      for (const p of [a, b, c]) await join(p, id);
      await a.socket.sendMatchState(id, 11, "from a", undefined, true);
      await b.socket.sendMatchState(id, 12, new Uint8Array([0xff, 0x00, 0x41]), undefined, false);
      for (const p of [a, b, c]) {
        const fromA = await p.pushes.first(`${p.name}: 11`, relayed(11, "from a"));
        assert.equal(fromA.value.presence.user_id, a.userId);
        assert.equal(fromA.value.reliable, true);
        const fromB = await p.pushes.first(`${p.name}: 12`, (e) => e.kind === "match_data" && e.value.op_code === 12);
        assert.deepEqual([...(fromB.value.data as Uint8Array)], [0xff, 0x00, 0x41]);
        assert.equal(fromB.value.presence.user_id, b.userId);
        assert.ok(!fromB.value.reliable);
      }
      assert.equal((await callRpc(s, a, `${rt}_signal`, { match_id: id, data: "members" })).result, "3");
      closeAll(a, b, c);
    });
  });
}

test("input beyond match.input_queue_size in one tick is dropped with a warning", async () => {
  const a = await player(s, "r-queue");
  const id = await createMatch(s, a, "js", "js_relay", { tick_rate: 1 });
  await join(a, id);
  for (let i = 0; i < 10; i++) await a.socket.sendMatchState(id, 20, `burst ${i}`);
  await eventually("drop warning", async () =>
    s.logs().find((l) => String(l.msg).includes("dropping data messages") && l.mid === id.split(".")[0]) ? true : undefined);
  await a.socket.sendMatchState(id, 21, "marker");
  await a.pushes.first("marker", relayed(21, "marker"));
  const got = a.pushes.seen.filter((e) => e.kind === "match_data" && e.value.op_code === 20).length;
  // 4 per tick; a tick boundary inside the burst could let through at most 8.
  assert.ok(got >= 4 && got <= 8, `relayed ${got} of 10`);
  closeAll(a);
});

test("match.max_empty_sec ends a match nobody is in", async () => {
  const a = await player(s, "r-empty");
  const id = await createMatch(s, a, "lua", "lua_relay", { tick_rate: 10 });
  await eventually("the empty match to end", async () => ((await callRpc(s, a, "lua_get", { match_id: id })).match ? undefined : true));
  assert.ok(s.logs().some((l) => l.mid === id.split(".")[0] && l.reason === "empty"));
  closeAll(a);
});
