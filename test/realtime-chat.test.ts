// Black-box: chat channels over the wire with nakama-js sockets, a JSON and a protobuf client observing
// each other in each direction: room join/leave with presence events, messages sent, updated and removed
// as others see them, persistence and hidden presences, direct messages (channel ids, the −1 "wants to
// chat" notification), group channels (members only, group events), and Nakama's realtime errors.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { bootServer, type BootedServer } from "./helpers/boot.js";
import { closeAll, clientFor, peer, type Format, type Peer, type Push } from "./realtime-kit.js";

let s: BootedServer;

before(async () => {
  s = await bootServer({ "logger.level": "warn" });
});
after(async () => {
  await s.stop();
});

const uid = (p: Peer): string => p.session.user_id as string;
type Loose = Record<string, any>;

/** Records chat pushes on the peer's recorder too (the kit records the other kinds). */
function watchChat(p: Peer): Peer {
  p.socket.onchannelmessage = (v) => p.pushes.push({ kind: "channel_message", value: v });
  p.socket.onchannelpresence = (v) => p.pushes.push({ kind: "channel_presence", value: v });
  return p;
}

async function chatter(name: string, format: Format): Promise<Peer> {
  return watchChat(await peer(s, name, format));
}

/** Resolves with the realtime error a request got ({code, message}; code absent means 0). */
async function rtError(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: number; message?: string };
    return { code: err.code ?? 0, message: err.message ?? "" };
  }
  throw new Error("expected a realtime error");
}

/** Session ids of the peers, learnt from their `self` presences. */
const sessions = new Map<Peer, string>();

const presenceOf = (kind: "joins" | "leaves", p: Peer, channelId: string) => (e: Push): boolean =>
  e.kind === "channel_presence" && e.value.channel_id === channelId &&
  ((e.value[kind] ?? []) as Array<{ session_id: string }>).some((x) => x.session_id === sessions.get(p));

const messageOf = (code: number, channelId: string, pred: (v: any) => boolean = () => true) => (e: Push): boolean =>
  e.kind === "channel_message" && e.value.channel_id === channelId && (e.value.code ?? 0) === code && pred(e.value);

for (const [fa, fb] of [["json", "protobuf"], ["protobuf", "json"]] as Array<[Format, Format]>) {
  describe(`room chat: ${fa} and ${fb}`, () => {
    let a: Peer, b: Peer, c: Peer;
    const room = `lobby-${fa}`;
    let channelId: string;
    let firstId: string;
    before(async () => {
      [a, b, c] = await Promise.all([chatter(`ca${fa}`, fa), chatter(`cb${fb}`, fb), chatter(`cc${fa}`, fa)]);
    });
    after(() => closeAll(a, b, c));

    test("join: Nakama's room channel id; the first member sees nobody, the second sees the first", async () => {
      // nakama-js 2.8's types lack some wire fields (room_name, persistent…): read them loosely.
      const ch = (await a.socket.joinChat(room, 1, true, false)) as Loose;
      sessions.set(a, ch.self.session_id);
      channelId = ch.id;
      assert.equal(channelId, `2...${room}`);
      assert.equal(ch.room_name, room);
      assert.deepEqual(ch.presences ?? [], []);
      assert.equal(ch.self.user_id, uid(a));
      assert.equal(ch.self.username, a.name);
      assert.equal(ch.self.persistence, true);
      const chb = await b.socket.joinChat(room, 1, true, false);
      sessions.set(b, chb.self.session_id);
      assert.equal(chb.id, channelId);
      assert.deepEqual((chb.presences ?? []).map((p) => p.user_id), [uid(a)]);
      const ev = await a.pushes.first("b's join", presenceOf("joins", b, channelId));
      assert.equal(ev.value.room_name, room);
      assert.equal(ev.value.joins[0].username, b.name);
    });

    test("a hidden join is not announced nor listed", async () => {
      const ch = await c.socket.joinChat(room, 1, true, true);
      sessions.set(c, ch.self.session_id);
      assert.deepEqual((ch.presences ?? []).map((p) => p.user_id).sort(), [uid(a), uid(b)].sort());
      await b.socket.leaveChat(channelId);
      await a.pushes.first("b's leave", presenceOf("leaves", b, channelId));
      assert.equal(a.pushes.seen.some(presenceOf("joins", c, channelId)), false);
      const again = await b.socket.joinChat(room, 1, true, false);
      assert.deepEqual((again.presences ?? []).map((p) => p.user_id), [uid(a)]);
    });

    test("send: everyone on the channel gets the message, the sender an ack", async () => {
      const ack = (await a.socket.writeChatMessage(channelId, { hello: "world", n: 1 })) as Loose;
      firstId = ack.message_id;
      assert.equal(ack.channel_id, channelId);
      assert.equal(ack.code ?? 0, 0);
      assert.equal(ack.username, a.name);
      assert.equal(ack.persistent, true);
      assert.equal(ack.room_name, room);
      for (const p of [a, b, c]) {
        const m = await p.pushes.first(`${p.name} gets it`, messageOf(0, channelId, (v) => v.message_id === firstId));
        assert.deepEqual(m.value.content, { hello: "world", n: 1 });
        assert.equal(m.value.sender_id, uid(a));
        assert.equal(m.value.username, a.name);
        assert.equal(m.value.room_name, room);
      }
    });

    test("update and remove reach the others with codes 1 and 2", async () => {
      const up = await a.socket.updateChatMessage(channelId, firstId, { hello: "again" });
      assert.equal(up.message_id, firstId);
      assert.equal(up.code, 1);
      const m1 = await b.pushes.first("update", messageOf(1, channelId, (v) => v.message_id === firstId));
      assert.deepEqual(m1.value.content, { hello: "again" });
      const rm = await a.socket.removeChatMessage(channelId, firstId);
      assert.equal(rm.code, 2);
      const m2 = await b.pushes.first("remove", messageOf(2, channelId, (v) => v.message_id === firstId));
      assert.deepEqual(m2.value.content, {});
    });

    test("only the sender may update or remove a stored message", async () => {
      const ack = await a.socket.writeChatMessage(channelId, { mine: true });
      assert.deepEqual(await rtError(b.socket.updateChatMessage(channelId, ack.message_id, { yours: true })), {
        code: 3, message: "Could not find message to update in channel history",
      });
      assert.deepEqual(await rtError(b.socket.removeChatMessage(channelId, ack.message_id)), {
        code: 3, message: "Could not find message to remove in channel history",
      });
    });

    test("without persistence messages are relayed, not stored", async () => {
      const r = `ephemeral-${fa}`;
      const ch = await a.socket.joinChat(r, 1, false, false);
      await b.socket.joinChat(r, 1, true, false);
      const ack = (await a.socket.writeChatMessage(ch.id, { fleeting: 1 })) as Loose;
      assert.equal(ack.persistent ?? false, false);
      const m = await b.pushes.first("relayed", messageOf(0, ch.id, (v) => v.message_id === ack.message_id));
      assert.equal(m.value.persistent ?? false, false);
      const list = await clientFor(s).listChannelMessages(b.session, ch.id, 100, true);
      assert.deepEqual(list.messages ?? [], []);
      // Without persistence nothing is looked up: an update is relayed as is.
      const up = await a.socket.updateChatMessage(ch.id, ack.message_id, { fleeting: 2 });
      assert.equal(up.code, 1);
    });

    test("bad inputs get Nakama's errors and the socket stays open", async () => {
      const cases: Array<[Promise<unknown>, string]> = [
        [a.socket.joinChat("", 1, true, false), "Invalid channel target"],
        [a.socket.joinChat("x".repeat(65), 1, true, false), "Channel name is required and must be 1-64 chars: Invalid channel target"],
        [a.socket.joinChat("bad\tname", 1, true, false), "Channel name must not contain control chars: Invalid channel target"],
        [a.socket.joinChat("room", 7, true, false), "Invalid channel type"],
        [a.socket.joinChat("not-a-uuid", 2, true, false), "Invalid user ID in direct message join: Invalid channel target"],
        [a.socket.joinChat("00000000-0000-0000-0000-000000000000", 2, true, false), "Invalid user ID in direct message join: Invalid channel target"],
        [a.socket.joinChat("8f1c0e4a-0000-4000-8000-000000000000", 2, true, false), "User ID not found: Invalid channel target"],
        [a.socket.joinChat("nope", 3, true, false), "Invalid group ID in group channel join: Invalid channel target"],
        [a.socket.leaveChat("9.x.y.z"), "Invalid channel identifier"],
        [a.socket.writeChatMessage("2...", { a: 1 }), "Invalid channel identifier"],
        [a.socket.writeChatMessage(channelId, [1, 2]), "Message content must be a valid JSON object"],
        [a.socket.writeChatMessage("2...elsewhere", { a: 1 }), "Must join channel before sending messages"],
        [a.socket.updateChatMessage(channelId, "nope", { a: 1 }), "Invalid message identifier"],
        [a.socket.updateChatMessage("2...elsewhere", firstId, { a: 1 }), "Must join channel before updating messages"],
        [a.socket.removeChatMessage("2...elsewhere", firstId), "Must join channel before removing messages"],
      ];
      for (const [p, message] of cases) assert.deepEqual(await rtError(p), { code: 3, message });
      const ok = await a.socket.writeChatMessage(channelId, { still: "open" });
      assert.equal(ok.channel_id, channelId);
    });

    test("a disconnect is a leave for the others (a hidden presence leaves silently)", async () => {
      c.socket.disconnect(false);
      await c.closed();
      b.socket.disconnect(false);
      await a.pushes.first("b gone", presenceOf("leaves", b, channelId));
      // Events go out in order: had c's leave been announced, it would have arrived before b's.
      assert.equal(a.pushes.seen.some(presenceOf("leaves", c, channelId)), false);
    });
  });
}
