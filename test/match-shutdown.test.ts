// Black-box: stopping the server (what SIGTERM does: src/commands.ts calls server.stop()) gives every
// running match matchTerminate(shutdown_grace_sec) while its members are still connected; matches that
// end themselves end at once, the others when the grace period is over; members see the match end
// before their sockets close.
import { test } from "node:test";
import assert from "node:assert/strict";
import { OP, RUNTIMES, bootMatches, createMatch, data, join, leaveOf, player, type Player } from "./match-kit.js";

test("stop: matchTerminate with shutdown_grace_sec in every runtime, then every match ends before sockets close", async () => {
  const s = await bootMatches({ shutdown_grace_sec: 1, "logger.level": "info" });
  const members: Array<{ p: Player; sid: string }> = [];
  const ids: string[] = [];
  for (const rt of RUNTIMES) {
    const [a, b] = await Promise.all([player(s, `${rt}-stop-a`), player(s, `${rt}-stop-b`)]);
    const id = await createMatch(s, a, rt, `${rt}_ttt`);
    ids.push(id);
    for (const p of [a, b]) members.push({ p, sid: (await join(p, id)).self.session_id });
    await data(a, OP.START);
  }
  // A match that keeps playing after matchTerminate: the host ends it when the grace period is over.
  const c = await player(s, "stop-c");
  const lingering = await createMatch(s, c, "lua", "lua_ttt", { linger: true });
  const cSid = (await join(c, lingering)).self.session_id;

  const stopping = s.stop();
  for (const { p, sid } of members) {
    assert.equal((await data(p, OP.TERMINATE)).grace, 1);
    await leaveOf(p, sid);
  }
  assert.equal((await data(c, OP.TERMINATE)).grace, 1);
  await leaveOf(c, cSid, 8000);
  await stopping;
  for (const { p } of [...members, { p: c }]) await p.closed();

  const ended = (id: string) => s.logs().find((l) => l.msg === "Match ended" && l.mid === id.split(".")[0]);
  for (const id of ids) assert.equal(ended(id)?.reason, "nil state");
  assert.equal(ended(lingering)?.reason, "shutdown");
});
