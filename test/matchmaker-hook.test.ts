// Black-box: a Lua matchmaker-matched hook (test/fixtures/modules/matchmaker/hook.lua) with nakama-js
// JSON and protobuf players. When the hook returns an authoritative match id, every member receives
// that `match_id` (no token), and the match it created saw the group as Nakama hands it to Lua (execution
// mode "matchmaker", presences with node, merged properties); members join it, outsiders are refused.
// A hook returning nil gets the group a token; one returning a non-string or raising an error is
// logged and the group still gets a token.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { bootServer, type BootedServer } from "./helpers/boot.js";
import { Recorder, peer, type Format, type Peer } from "./realtime-kit.js";
import { eventually } from "./runtime-kit.js";

interface Matched { ticket: string; token?: string; match_id?: string; users: any[]; self: any }
interface Player extends Peer {
  readonly userId: string;
  readonly matched: Recorder<Matched>;
}

let s: BootedServer;
before(async () => {
  s = await bootServer({
    "logger.level": "warn", "runtime.path": "test/fixtures/modules/matchmaker", "runtime.lua_min_count": 1, "runtime.lua_max_count": 2,
    "matchmaker.interval_sec": 1,
  });
});
after(async () => {
  await s.stop();
});

async function player(name: string, format: Format): Promise<Player> {
  const p = await peer(s, name, format);
  const matched = new Recorder<Matched>();
  p.socket.onmatchmakermatched = (m) => matched.push({ ...m, token: m.token || undefined, match_id: m.match_id || undefined });
  return Object.assign(p, { userId: p.session.user_id as string, matched });
}

/** Players of alternating formats, each adding a min = max = n ticket with `mode` (its own scenario). */
async function group(mode: string, n: number): Promise<{ players: Player[]; got: Matched[] }> {
  const players = await Promise.all(Array.from({ length: n }, (_, i) => player(`hook-${mode}-${i}`, i % 2 === 0 ? "json" : "protobuf")));
  await Promise.all(players.map((p) =>
    p.socket.addMatchmaker(`+properties.mode:${mode}`, n, n, { mode, region: "eu" }, { skill: 10 + players.indexOf(p) })));
  const got = await Promise.all(players.map((p) => p.matched.first(`${p.name} matched`, () => true, 6000)));
  return { players, got };
}

test("a hook returning a match id: members get that authoritative match id, join it, and outsiders are refused", async () => {
  const { players, got } = await group("auth", 3);
  const matchId = got[0].match_id as string;
  assert.match(matchId, /^[0-9a-f-]{36}\.troupe$/);
  for (const m of got) assert.deepEqual([m.match_id, m.token], [matchId, undefined]);
  const joined = [];
  for (const p of players) joined.push(await p.socket.joinMatch(matchId));
  assert.equal(joined[0].authoritative, true);
  const label = JSON.parse(joined[0].label as string) as { execution_mode: string; users: any[] };
  assert.equal(label.execution_mode, "matchmaker");
  const sessions = new Map(got.map((m) => [m.self.presence.user_id as string, m.self.presence.session_id as string]));
  assert.deepEqual(label.users, players.map((p, i) => ({
    user_id: p.userId, session_id: sessions.get(p.userId), username: p.name, node: "troupe", party_id: "",
    properties: { mode: "auth", region: "eu", skill: 10 + i },
  })));
  const outsider = await player("hook-outsider", "json");
  await assert.rejects(outsider.socket.joinMatch(matchId), (e: any) => e.code === 5 && e.message === "not matched");
  await players[0].socket.sendMatchState(matchId, 3, "hello");
  const relayed = await players[1].pushes.first("relayed", (e) => e.kind === "match_data" && e.value.op_code === 3);
  assert.equal(Buffer.from(relayed.value.data as Uint8Array).toString(), "hello");
  for (const p of [...players, outsider]) p.socket.disconnect(false);
});

test("a hook returning nil gives the group a token; a non-string result or an error is logged and a token given", async () => {
  const results = await Promise.all(["none", "number", "fail"].map((mode) => group(mode, 2)));
  for (const { players, got } of results) {
    assert.equal(got[0].match_id, undefined);
    assert.ok(got[0].token !== undefined && got.every((m) => m.token === got[0].token));
    players.forEach((p) => p.socket.disconnect(false));
  }
  const hookErrors = await eventually("two hook errors logged", async () => {
    const lines = s.logs().filter((l) => l.msg === "Error running Matchmaker Matched hook.");
    return lines.length >= 2 ? lines : undefined;
  });
  assert.equal(hookErrors.length, 2);
  assert.ok(hookErrors.some((l) => JSON.stringify(l).includes("must be string or nil")), JSON.stringify(hookErrors));
  assert.ok(hookErrors.some((l) => JSON.stringify(l).includes("hook failed on purpose")), JSON.stringify(hookErrors));
});
