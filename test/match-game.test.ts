// Black-box: a two-player tic-tac-toe written as match handlers in each runtime (Lua module, JS
// registerMatch, native registerMatch), played by nakama-js clients: create through nk.matchCreate
// (RPC), join with metadata, moves, a win, the match ending (members told, listing forgets it); a
// rejected join attempt with the handler's reason; the match context; a kicked player; a signal; a
// handler error ending only its match; a user rejoining with a new session.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { BootedServer } from "./helpers/boot.js";
import { closeAll } from "./realtime-kit.js";
import {
  OP, RUNTIMES, bootMatches, callRpc, createMatch, data, join, leaveOf, listMatches, move, player, type Player, type RuntimeName,
} from "./match-kit.js";

let s: BootedServer;

before(async () => {
  s = await bootMatches();
});
after(async () => {
  await s.stop();
});

/** Two players in a fresh tic-tac-toe match, both past START. */
async function twoPlayers(rt: RuntimeName, tag: string): Promise<{ a: Player; b: Player; id: string; sa: string; sb: string }> {
  const [a, b] = await Promise.all([player(s, `${rt}-${tag}-a`), player(s, `${rt}-${tag}-b`)]);
  const id = await createMatch(s, a, rt, `${rt}_ttt`, { mode: "ranked", skill: 7 });
  const ma = await join(a, id);
  const mb = await join(b, id);
  await Promise.all([data(a, OP.START), data(b, OP.START)]);
  return { a, b, id, sa: ma.self.session_id, sb: mb.self.session_id };
}

for (const rt of RUNTIMES) {
  describe(`tic-tac-toe (${rt})`, () => {
    test("two players join, play to a win, and the match ends for both", async () => {
      const [a, b] = await Promise.all([player(s, `${rt}-win-a`), player(s, `${rt}-win-b`)]);
      const id = await createMatch(s, a, rt, `${rt}_ttt`, { mode: "ranked", skill: 7 });
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.troupe$/);
      const ma = await join(a, id);
      assert.equal(ma.authoritative, true);
      assert.deepEqual(JSON.parse(ma.label), { game: "ttt", runtime: rt, mode: "ranked", skill: 7, open: 1 });
      assert.equal(ma.self.user_id, a.userId);
      const mb = await join(b, id);
      assert.deepEqual(mb.presences.map((p: any) => p.user_id), [a.userId]);
      const [start] = await Promise.all([data(a, OP.START), data(b, OP.START)]);
      assert.equal(start.first, a.userId);
      assert.deepEqual(start.marks, { [a.userId]: "X", [b.userId]: "O" });
      // X takes the top row; O answers in the middle row.
      const plays: Array<[Player, number]> = [[a, 0], [b, 3], [a, 1], [b, 4], [a, 2]];
      for (const [who, cell] of plays) {
        await move(who, id, cell);
        await data(a, OP.STATE, (st) => st.board[cell] !== "");
      }
      const [doneA, doneB] = await Promise.all([data(a, OP.DONE), data(b, OP.DONE)]);
      assert.equal(doneA.winner, a.userId);
      assert.equal(doneB.winner, a.userId);
      // matchLoop returns no state on the next tick: both members see every member leave.
      await Promise.all([leaveOf(a, ma.self.session_id), leaveOf(b, mb.self.session_id)]);
      const got = await callRpc(s, a, `${rt}_get`, { match_id: id });
      assert.equal(got.match ?? null, null);
      const listed = (await listMatches(s, a, { limit: 100 })).json();
      assert.ok(!(listed.matches ?? []).some((m: any) => m.match_id === id));
      closeAll(a, b);
    });

    test("matchCreate fails for an unknown handler and for a bad matchInit result", async () => {
      const a = await player(s, `${rt}-create-a`);
      await assert.rejects(createMatch(s, a, rt, "no_such_handler"), (e: any) => e.status === 404 && /error creating match: not found/.test(e.body));
      await assert.rejects(createMatch(s, a, rt, `${rt}_ttt`, { tick_rate: 61 }), (e: any) => e.status === 400 && /must be between 1 and 60/.test(e.body));
      closeAll(a);
    });

    test("join attempts are rejected with the handler's reason (MATCH_JOIN_REJECTED)", async () => {
      const { a, b, id } = await twoPlayers(rt, "rej");
      const c = await player(s, `${rt}-rej-c`);
      await assert.rejects(join(c, id), (e: any) => e.code === 5 && e.message === "match full");
      await assert.rejects(join(c, id, { role: "spectator" }), (e: any) => e.code === 5 && e.message === "spectators are not allowed");
      await assert.rejects(join(c, `${id.split(".")[0]}.othernode`), (e: any) => e.code === 4);
      closeAll(a, b, c);
    });

    test("handlers see the match context: id, label after matchLabelUpdate, tick rate, mode", async () => {
      const { a, b, id } = await twoPlayers(rt, "ctx");
      await a.socket.sendMatchState(id, OP.CTX, "{}");
      const ctx = await data(a, OP.CTX);
      assert.equal(ctx.match_id, id);
      assert.equal(ctx.tick_rate, 5);
      assert.equal(ctx.mode, "match");
      assert.equal(JSON.parse(ctx.label).open, 0);
      closeAll(a, b);
    });

    test("a kicked player is told, leaves, and its data no longer reaches the match", async () => {
      const { a, b, id, sb } = await twoPlayers(rt, "kick");
      await a.socket.sendMatchState(id, OP.KICK, JSON.stringify({ user_id: b.userId }));
      const told = await leaveOf(b, sb);
      assert.deepEqual(told.leaves.map((l: any) => l.user_id), [b.userId]);
      const left = await data(a, OP.LEFT, (d) => d.user_id === b.userId);
      assert.equal(left.reason, 3);
      // b's move is dropped (it is no longer on the match stream): a's own move is accepted.
      await b.socket.sendMatchState(id, OP.MOVE, JSON.stringify({ cell: 8 }));
      await move(a, id, 0);
      const st = await data(a, OP.STATE);
      assert.deepEqual(st.board.filter((c: string) => c !== ""), ["X"]);
      closeAll(a, b);
    });

    test("a signal reaches matchSignal and its result the caller", async () => {
      const { a, b, id } = await twoPlayers(rt, "sig");
      const r = await callRpc(s, a, `${rt}_signal`, { match_id: id, data: "hello" });
      assert.equal(r.result, "signal received: hello");
      await assert.rejects(callRpc(s, a, `${rt}_signal`, { match_id: `${id.split(".")[0]}.troupe-x`, data: "x" }), /match not found/);
      await assert.rejects(callRpc(s, a, `${rt}_signal`, { match_id: "nope", data: "x" }), /match id is invalid/);
      closeAll(a, b);
    });

    test("a handler error ends that match only: its members are told, other matches play on", async () => {
      const one = await twoPlayers(rt, "err1");
      const two = await twoPlayers(rt, "err2");
      await one.a.socket.sendMatchState(one.id, OP.CRASH, "{}");
      await Promise.all([leaveOf(one.a, one.sa), leaveOf(one.b, one.sb)]);
      await move(two.a, two.id, 4);
      assert.equal((await data(two.b, OP.STATE)).board[4], "X");
      assert.equal((await callRpc(s, two.a, `${rt}_get`, { match_id: one.id })).match ?? null, null);
      closeAll(one.a, one.b, two.a, two.b);
    });

    test("a player who reconnects with a new session rejoins: the join attempt sees the new session", async () => {
      const { a, b, id } = await twoPlayers(rt, "rejoin");
      a.socket.disconnect(false);
      const left = await data(b, OP.LEFT, (d) => d.user_id === a.userId);
      assert.equal(left.reason, 4);
      const again = await player(s, `${rt}-rejoin-a`);
      assert.equal(again.userId, a.userId);
      const m = await join(again, id);
      const rejoined = await data(b, OP.REJOINED, (d) => d.user_id === a.userId);
      assert.equal(rejoined.session_id, m.self.session_id);
      // The game goes on with the new session: it is still X's turn.
      await move(again, id, 0);
      assert.equal((await data(b, OP.STATE)).board[0], "X");
      closeAll(again, b);
    });
  });
}
