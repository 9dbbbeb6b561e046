// Black-box: the protective limits of the realtime socket. session.single_socket (the older socket gets
// the −7 notification and is closed), the inbound rate limit (socket.max_inbound_per_sec), and a slow
// client whose outgoing queue (socket.outgoing_queue_size) fills: it is closed with a reason, and the
// other members of its match keep receiving everything.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { bootServer } from "./helpers/boot.js";
import { FORMATS, RawSocket, clientFor, closeAll, connect, login, wsUrl } from "./realtime-kit.js";

describe("session.single_socket", () => {
  for (const format of FORMATS) test(`a new socket of the same user closes the older (${format}) one after a -7 notification`, async () => {
    const s = await bootServer({ "logger.level": "warn", "session.single_socket": true });
    try {
      const client = clientFor(s);
      const session = await login(client, `single${format}`);
      const first = await connect(client, session, `single${format}`, format);
      const other = await connect(client, await login(client, `single${format}2`), `single${format}2`, "json");
      const second = await connect(client, session, `single${format}`, format === "json" ? "protobuf" : "json");
      const n = await first.pushes.first("single_socket notification", (e) => e.kind === "notification");
      assert.equal(n.value.code, -7);
      assert.equal(n.value.subject, "single_socket");
      assert.deepEqual(n.value.content, {});
      assert.equal(n.value.persistent ?? false, false);
      assert.deepEqual(await first.closed(), { code: 1000, reason: "server-side session disconnect" });
      assert.ok(await second.socket.createMatch());
      assert.ok(await other.socket.createMatch(), "another user's socket is untouched");
      closeAll(second, other);
    } finally {
      await s.stop();
    }
  });
});

describe("inbound rate limit", () => {
  test("a flood past socket.max_inbound_per_sec closes that socket only", async () => {
    const s = await bootServer({ "logger.level": "warn", "socket.max_inbound_per_sec": 20 });
    try {
      const client = clientFor(s);
      const token = (await login(client, "flooder")).token;
      const flooder = await RawSocket.open(wsUrl(s, token, "json"), "json");
      const calm = await RawSocket.open(wsUrl(s, token, "protobuf"), "protobuf");
      for (let i = 1; i <= 100; i++) flooder.send({ cid: String(i), ping: {} });
      assert.deepEqual(await flooder.closed(), { code: 1008, reason: "inbound message rate limit exceeded" });
      assert.ok(flooder.messages.seen.length <= 20, "no more than the allowance was answered");
      calm.send({ cid: "1", ping: {} });
      assert.deepEqual((await calm.reply("1")).pong, {});
      closeAll(calm);
    } finally {
      await s.stop();
    }
  });
});

describe("slow client", () => {
  test("a client that stops reading is closed when its outgoing queue fills; the others get every message", async () => {
    const s = await bootServer({
      "logger.level": "warn",
      "socket.outgoing_queue_size": 8,
      "socket.max_inbound_per_sec": 0,
    });
    try {
      const client = clientFor(s);
      const [ts, to, tv] = await Promise.all(["slowsender", "slowobserver", "slowvictim"].map(async (n) => (await login(client, n)).token));
      const sender = await RawSocket.open(wsUrl(s, ts, "protobuf"), "protobuf");
      const observer = await RawSocket.open(wsUrl(s, to, "json"), "json");
      const victim = await RawSocket.open(wsUrl(s, tv, "json"), "json");
      sender.send({ cid: "1", match_create: {} });
      const matchId = ((await sender.reply("1")).match as { match_id: string }).match_id;
      for (const [i, r] of [observer, victim].entries()) {
        r.send({ cid: `j${i}`, match_join: { match_id: matchId } });
        await r.reply(`j${i}`);
      }
      const victimSid = ((await victim.reply("j1")).match as { self: { session_id: string } }).self.session_id;
      (victim.ws as unknown as { _socket: Socket })._socket.pause();
      const payload = new Uint8Array(2000).fill(7);
      const N = 6000;
      for (let i = 0; i < N; i++) sender.send({ match_data_send: { match_id: matchId, op_code: String(i), data: payload } });
      await observer.messages.first("victim left", (m) =>
        ((m.match_presence_event?.leaves ?? []) as Array<{ session_id: string }>).some((l) => l.session_id === victimSid), 20_000);
      (victim.ws as unknown as { _socket: Socket })._socket.resume();
      await observer.messages.until("every message at the observer", (seen) =>
        seen.filter((m) => m.match_data !== undefined).length >= N ? true : undefined, 20_000);
      const ops = observer.messages.seen.filter((m) => m.match_data !== undefined).map((m) => Number(m.match_data.op_code ?? 0));
      assert.deepEqual(ops, Array.from({ length: N }, (_, i) => i), "in order, none lost");
      // The close frame queues behind everything the client did not read; if the transport gives up on
      // a connection that stays stuck, the client sees 1006 instead. The server's log has the reason.
      const closed = await victim.closed(20_000);
      if (closed.code !== 1006) assert.deepEqual(closed, { code: 1000, reason: "session outgoing queue full" });
      const line = s.logs().find((l) => l.sid === victimSid && l.msg === "closed client connection");
      assert.equal(line?.reason, "session outgoing queue full");
      assert.equal(line?.level, "warn");
      closeAll(sender, observer);
    } finally {
      await s.stop();
    }
  });
});
