// Black-box: chat history and the private channels, with nakama-js (JSON and protobuf sockets) and plain
// HTTP: GET /v2/channel/{id} pages with next/prev cursors in both directions and the cacheable cursor,
// its errors; direct messages (ids, the −1 notification, blocking, who may read the history); group
// channels (members only, group events on the channel, a kicked member leaves it).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Client } from "@heroiclabs/nakama-js";
import { bootServer, type BootedServer } from "./helpers/boot.js";
import { closeAll, clientFor, peer, type Peer, type Push } from "./realtime-kit.js";

let s: BootedServer;
let client: Client;

before(async () => {
  s = await bootServer({ "logger.level": "warn" });
  client = clientFor(s);
});
after(async () => {
  await s.stop();
});

const uid = (p: Peer): string => p.session.user_id as string;
type Loose = Record<string, any>;

function watchChat(p: Peer): Peer {
  p.socket.onchannelmessage = (v) => p.pushes.push({ kind: "channel_message", value: v });
  p.socket.onchannelpresence = (v) => p.pushes.push({ kind: "channel_presence", value: v });
  return p;
}

async function rtError(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: number; message?: string };
    return { code: err.code ?? 0, message: err.message ?? "" };
  }
  throw new Error("expected a realtime error");
}

async function get(path: string, token: string | null): Promise<{ status: number; body: any }> {
  const r = await fetch(s.httpUrl + path, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: r.status, body: await r.json() };
}

const bad = (message: string) => ({ status: 400, body: { code: 3, message } });
const ids = (list: { messages?: Array<{ message_id?: string }> }): string[] => (list.messages ?? []).map((m) => m.message_id as string);

describe("history: pages, cursors both ways, cacheable cursor", () => {
  let a: Peer, b: Peer;
  let channelId: string;
  let all: string[];
  before(async () => {
    [a, b] = [watchChat(await peer(s, "ha", "json")), watchChat(await peer(s, "hb", "protobuf"))];
    channelId = (await a.socket.joinChat("history", 1, true, false)).id;
    await b.socket.joinChat("history", 1, true, false);
    for (let i = 0; i < 5; i++) await (i % 2 === 0 ? a : b).socket.writeChatMessage(channelId, { i });
  });
  after(() => closeAll(a, b));

  test("a full listing holds every message with its fields, oldest first by default", async () => {
    const list = await client.listChannelMessages(b.session, channelId, 100);
    all = ids(list);
    assert.equal(all.length, 5);
    const m = list.messages?.[0];
    assert.equal(m?.channel_id, channelId);
    assert.equal(m?.room_name, "history");
    assert.equal(m?.persistent, true);
    assert.equal(typeof m?.create_time, "string");
    const contents = (list.messages ?? []).map((x) => (x.content as { i: number }).i).sort();
    assert.deepEqual(contents, [0, 1, 2, 3, 4]);
    assert.equal(list.next_cursor ?? "", "");
    assert.equal(list.prev_cursor ?? "", "");
    // The default limit is 1.
    assert.deepEqual(ids(await client.listChannelMessages(b.session, channelId)), [all[0]]);
  });

  test("forward pages follow next_cursor and come back with prev_cursor", async () => {
    const p1 = await client.listChannelMessages(a.session, channelId, 2, true);
    assert.deepEqual(ids(p1), all.slice(0, 2));
    assert.equal(p1.prev_cursor ?? "", "");
    const p2 = await client.listChannelMessages(a.session, channelId, 2, true, p1.next_cursor);
    assert.deepEqual(ids(p2), all.slice(2, 4));
    const p3 = await client.listChannelMessages(a.session, channelId, 2, true, p2.next_cursor);
    assert.deepEqual(ids(p3), all.slice(4));
    assert.equal(p3.next_cursor ?? "", "");
    const back = await client.listChannelMessages(a.session, channelId, 2, true, p3.prev_cursor);
    assert.deepEqual(ids(back), all.slice(2, 4));
    const back2 = await client.listChannelMessages(a.session, channelId, 2, true, back.prev_cursor);
    assert.deepEqual(ids(back2), all.slice(0, 2));
  });

  test("backward pages list newest first and page the same way", async () => {
    const rev = [...all].reverse();
    const p1 = await client.listChannelMessages(a.session, channelId, 2, false);
    assert.deepEqual(ids(p1), rev.slice(0, 2));
    const p2 = await client.listChannelMessages(a.session, channelId, 2, false, p1.next_cursor);
    assert.deepEqual(ids(p2), rev.slice(2, 4));
    const p3 = await client.listChannelMessages(a.session, channelId, 2, false, p2.next_cursor);
    assert.deepEqual(ids(p3), rev.slice(4));
    const back = await client.listChannelMessages(a.session, channelId, 2, false, p2.prev_cursor);
    assert.deepEqual(ids(back), rev.slice(0, 2));
  });

  test("the cacheable cursor lists only what came after the last message seen", async () => {
    const seen = await client.listChannelMessages(a.session, channelId, 100, true);
    const newer = await a.socket.writeChatMessage(channelId, { i: 5 });
    const now = ids(await client.listChannelMessages(a.session, channelId, 100, true));
    // Messages of one second order by id, so the new one is wherever (time, id) puts it.
    const expected = now.slice(now.indexOf(all[4]) + 1);
    const fresh = await client.listChannelMessages(a.session, channelId, 100, true, seen.cacheable_cursor);
    assert.deepEqual(ids(fresh), expected);
    assert.ok(now.includes(newer.message_id));
  });

  test("errors: bad cursors, limits, channel ids and no token", async () => {
    const p1 = await client.listChannelMessages(a.session, channelId, 2, true);
    const path = `/v2/channel/${encodeURIComponent(channelId)}`;
    const t = a.session.token;
    assert.deepEqual(await get(`${path}?cursor=garbage`, t), bad("Cursor is invalid or expired."));
    assert.deepEqual(await get(`${path}?forward=false&cursor=${encodeURIComponent(p1.next_cursor as string)}`, t), bad("Cursor is invalid or expired."));
    assert.deepEqual(await get(`/v2/channel/${encodeURIComponent("2...other")}?cursor=${encodeURIComponent(p1.next_cursor as string)}`, t), bad("Cursor is invalid or expired."));
    assert.deepEqual(await get(`${path}?limit=0`, t), bad("Invalid limit - limit must be between 1 and 100."));
    assert.deepEqual(await get(`${path}?limit=101`, t), bad("Invalid limit - limit must be between 1 and 100."));
    assert.deepEqual(await get(`/v2/channel/${encodeURIComponent("7.a.b.c")}`, t), bad("Invalid channel ID."));
    assert.deepEqual(await get(path, null), { status: 401, body: { code: 16, message: "Auth token required" } });
    assert.deepEqual(await get(`/v2/channel/${encodeURIComponent("2...nobody-here")}?limit=5`, t), { status: 200, body: {} });
  });
});

describe("direct messages", () => {
  let a: Peer, b: Peer, c: Peer, d: Peer;
  let dm: string;
  before(async () => {
    [a, b, c, d] = await Promise.all([peer(s, "dma", "json"), peer(s, "dmb", "protobuf"), peer(s, "dmc", "json"), peer(s, "dmd", "protobuf")]);
    for (const p of [a, b, c, d]) watchChat(p);
  });
  after(() => closeAll(a, b, c, d));

  const dmRequest = (from: Peer) => (e: Push): boolean => e.kind === "notification" && e.value.code === -1 && e.value.sender_id === uid(from);

  test("a DM join names both users in order and asks the absent partner to chat (-1)", async () => {
    // nakama-js 2.8's types lack some wire fields (user_id_one, group_id…): read them loosely.
    const ch = (await a.socket.joinChat(uid(b), 2, true, false)) as Loose;
    const [lo, hi] = [uid(a), uid(b)].sort();
    dm = ch.id;
    assert.equal(dm, `4.${lo}.${hi}.`);
    assert.deepEqual([ch.user_id_one, ch.user_id_two], [lo, hi]);
    const n = await b.pushes.first("dm request", dmRequest(a));
    assert.equal(n.value.subject, `${a.name} wants to chat`);
    assert.deepEqual(n.value.content, { username: a.name });
    assert.equal(n.value.persistent, true);
    const stored = await client.listNotifications(b.session, 10);
    assert.ok((stored.notifications ?? []).some((x) => x.code === -1 && x.sender_id === uid(a)));
  });

  test("the partner joins the same channel; nobody present is asked again", async () => {
    const ch = await b.socket.joinChat(uid(a), 2, true, false);
    assert.equal(ch.id, dm);
    assert.deepEqual((ch.presences ?? []).map((p) => p.user_id), [uid(a)]);
    await a.socket.joinChat(uid(b), 2, true, false); // already joined: not new, no notification
    const ack = await b.socket.writeChatMessage(dm, { hi: "a" });
    const got = await a.pushes.first("dm message", (e) => e.kind === "channel_message" && e.value.message_id === ack.message_id);
    const [lo, hi] = [uid(a), uid(b)].sort();
    assert.deepEqual([got.value.user_id_one, got.value.user_id_two], [lo, hi]);
    assert.equal(a.pushes.seen.some(dmRequest(b)), false);
  });

  test("DM history is for its two users only", async () => {
    const list = await client.listChannelMessages(a.session, dm, 10);
    assert.equal(list.messages?.length, 1);
    assert.deepEqual(await get(`/v2/channel/${encodeURIComponent(dm)}`, c.session.token), bad("Channel not found."));
  });

  test("a user who blocked you cannot be messaged", async () => {
    await client.blockFriends(d.session, [uid(c)]);
    assert.deepEqual(await rtError(c.socket.joinChat(uid(d), 2, true, false)), { code: 3, message: "User ID not found: Invalid channel target" });
    const ch = await d.socket.joinChat(uid(c), 2, true, false);
    assert.match(ch.id, /^4\./);
  });
});

describe("group channels", () => {
  let a: Peer, c: Peer;
  let groupId: string;
  let channelId: string;
  before(async () => {
    [a, c] = [watchChat(await peer(s, "ga", "protobuf")), watchChat(await peer(s, "gc", "json"))];
    groupId = (await client.createGroup(a.session, { name: "chatters", open: true })).id as string;
  });
  after(() => closeAll(a, c));

  test("members join the group channel; others are refused", async () => {
    const ch = (await a.socket.joinChat(groupId, 3, true, false)) as Loose;
    channelId = ch.id;
    assert.equal(channelId, `3.${groupId}..`);
    assert.equal(ch.group_id, groupId);
    assert.deepEqual(await rtError(c.socket.joinChat(groupId, 3, true, false)), { code: 3, message: "Group not found: Invalid channel target" });
    assert.deepEqual(await get(`/v2/channel/${encodeURIComponent(channelId)}`, c.session.token), bad("Group not found."));
  });

  test("joining the group posts a join event (code 3) on its channel; the new member may then chat", async () => {
    await client.joinGroup(c.session, groupId);
    const ev = await a.pushes.first("join event", (e) => e.kind === "channel_message" && e.value.code === 3 && e.value.sender_id === uid(c));
    assert.equal(ev.value.channel_id, channelId);
    assert.equal(ev.value.group_id, groupId);
    await c.socket.joinChat(groupId, 3, true, false);
    const ack = await c.socket.writeChatMessage(channelId, { hello: "group" });
    await a.pushes.first("chat", (e) => e.kind === "channel_message" && e.value.message_id === ack.message_id);
    // Both are stored; within one second history orders by message id, so compare as a set.
    const codes = (await client.listChannelMessages(a.session, channelId, 100)).messages?.map((m) => m.code ?? 0).sort();
    assert.deepEqual(codes, [0, 3]);
  });

  test("a kicked member gets the kick event and leaves the channel", async () => {
    await client.kickGroupUsers(a.session, groupId, [uid(c)]);
    await c.pushes.first("kick event", (e) => e.kind === "channel_message" && e.value.code === 6);
    await a.pushes.first("c's leave", (e) => e.kind === "channel_presence" && (e.value.leaves ?? []).some((x: { user_id: string }) => x.user_id === uid(c)));
    assert.deepEqual(await rtError(c.socket.writeChatMessage(channelId, { still: "here?" })), { code: 3, message: "Must join channel before sending messages" });
  });
});
