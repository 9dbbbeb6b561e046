// Black-box: party labels and listing (party_create label/hidden, party_update pushed to members,
// GET /v2/party with open/query filters and cursors), session.single_party, and the realtime hooks of
// chat and party messages (ChannelMessageSend, PartyCreate) through a Lua module.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bootServer, type BootedServer } from "./helpers/boot.js";
import { member, rtFailure, type Kind, type Member } from "./realtime-party-kit.js";

const push = (kind: string, partyId: string) => (e: Kind): boolean => e.kind === kind && e.value.party_id === partyId;
const bad = (message: string) => ({ code: 3, message });

async function get(s: BootedServer, p: string, token: string | null): Promise<{ status: number; body: any }> {
  const r = await fetch(s.httpUrl + p, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: r.status, body: await r.json() };
}

describe("party labels and listing", () => {
  let s: BootedServer;
  let a: Member, b: Member, c: Member;
  let token: string;
  let ranked: string, casual: string, secret: string, closed: string;
  before(async () => {
    s = await bootServer({ "logger.level": "warn" });
    [a, b, c] = await Promise.all([member(s, "la", "json"), member(s, "lb", "protobuf"), member(s, "lc", "json")]);
    const login = await fetch(`${s.httpUrl}/v2/account/authenticate/device?create=true`, {
      method: "POST", headers: { authorization: `Basic ${Buffer.from("defaultkey:").toString("base64")}` }, body: JSON.stringify({ id: "party-lister-0001" }),
    });
    token = ((await login.json()) as { token: string }).token;
    const create = async (m: Member, party: Record<string, unknown>) => (await m.call({ party_create: party })).party;
    const r = await create(a, { open: true, max_size: 4, label: JSON.stringify({ mode: "ranked", region: "eu" }) });
    assert.equal(r.label, JSON.stringify({ mode: "ranked", region: "eu" }));
    ranked = r.party_id;
    casual = (await create(b, { open: true, max_size: 4, label: JSON.stringify({ mode: "casual" }) })).party_id;
    const hidden = await create(c, { open: true, max_size: 4, hidden: true });
    assert.equal(hidden.hidden, true);
    secret = hidden.party_id;
    closed = (await create(c, { open: false, max_size: 2 })).party_id;
  });
  after(async () => {
    await Promise.all([a, b, c].map((m) => m.close()));
    await s.stop();
  });

  const listed = (body: { parties?: Array<{ party_id: string }> }): string[] => (body.parties ?? []).map((p) => p.party_id);

  test("hidden parties are not listed; open and query filter the rest", async () => {
    const all = await get(s, "/v2/party?limit=100", token);
    assert.equal(all.status, 200);
    assert.deepEqual(listed(all.body), [ranked, casual, closed]);
    const first = all.body.parties[0];
    assert.deepEqual(first, { party_id: ranked, open: true, max_size: 4, label: JSON.stringify({ mode: "ranked", region: "eu" }) });
    assert.ok(!listed(all.body).includes(secret));
    assert.deepEqual(listed((await get(s, "/v2/party?limit=100&open=false", token)).body), [closed]);
    assert.deepEqual(listed((await get(s, `/v2/party?limit=100&query=${encodeURIComponent("+label.mode:ranked")}`, token)).body), [ranked]);
    assert.deepEqual(listed((await get(s, `/v2/party?limit=100&query=${encodeURIComponent("-label.mode:ranked")}`, token)).body), [casual, closed]);
  });

  test("limit pages with a cursor; the default limit is 10", async () => {
    const p1 = await get(s, "/v2/party?limit=2", token);
    assert.deepEqual(listed(p1.body), [ranked, casual]);
    const p2 = await get(s, `/v2/party?limit=2&cursor=${encodeURIComponent(p1.body.cursor)}`, token);
    assert.deepEqual(listed(p2.body), [closed]);
    assert.equal(p2.body.cursor, undefined);
    assert.equal(listed((await get(s, "/v2/party", token)).body).length, 3);
  });

  test("errors: limit, cursor, query, token", async () => {
    assert.deepEqual(await get(s, "/v2/party?limit=0", token), { status: 400, body: { code: 3, message: "Invalid limit - limit must be between 1 and 100." } });
    assert.deepEqual(await get(s, "/v2/party?limit=101", token), { status: 400, body: { code: 3, message: "Invalid limit - limit must be between 1 and 100." } });
    assert.deepEqual(await get(s, "/v2/party?cursor=nope", token), { status: 400, body: { code: 3, message: "Cursor is invalid or expired." } });
    const q = await get(s, `/v2/party?query=${encodeURIComponent('label.x:"unterminated')}`, token);
    assert.deepEqual([q.status, q.body.code], [400, 3]);
    assert.deepEqual(await get(s, "/v2/party", null), { status: 401, body: { code: 16, message: "Auth token required" } });
  });

  test("party_update (leader only) reaches the members and the listing", async () => {
    await b.call({ party_join: { party_id: ranked } });
    await b.pushes.first("in", push("party", ranked));
    const label = JSON.stringify({ mode: "ranked", region: "us" });
    assert.deepEqual(await rtFailure(b.call({ party_update: { party_id: ranked, label, open: false } })), bad("Error updating party: party leader only"));
    assert.deepEqual(await rtFailure(a.call({ party_update: { party_id: ranked, label, hidden: true } })), bad("Party label cannot be set on a hidden party"));
    assert.deepEqual(await rtFailure(a.call({ party_update: { party_id: ranked, label: "not json", open: true } })), bad("Invalid party label, must be a JSON object"));
    await a.call({ party_update: { party_id: ranked, label, open: false } });
    for (const m of [a, b]) {
      const u = await m.pushes.first(`${m.name} update`, push("party_update", ranked));
      assert.equal(u.value.label, label);
      assert.equal(u.value.open ?? false, false);
    }
    assert.deepEqual(listed((await get(s, `/v2/party?limit=100&query=${encodeURIComponent("+label.region:us")}`, token)).body), [ranked]);
    assert.deepEqual(listed((await get(s, "/v2/party?limit=100&open=false", token)).body), [ranked, closed]);
    await a.call({ party_update: { party_id: ranked, label: "", open: true, hidden: true } });
    assert.ok(!listed((await get(s, "/v2/party?limit=100", token)).body).includes(ranked));
  });
});

describe("session.single_party", () => {
  let s: BootedServer;
  let a: Member, b: Member;
  before(async () => {
    s = await bootServer({ "logger.level": "warn", "session.single_socket": true, "session.single_party": true });
    [a, b] = await Promise.all([member(s, "sa", "json"), member(s, "sb", "protobuf")]);
  });
  after(async () => {
    await Promise.all([a.close(), b.close()]);
    await s.stop();
  });

  test("joining another party leaves the first", async () => {
    const first = (await a.call({ party_create: { open: true, max_size: 4 } })).party.party_id;
    await b.call({ party_join: { party_id: first } });
    await a.pushes.first("b in", (e) => e.kind === "party_presence_event" && e.value.party_id === first && (e.value.joins ?? []).length > 0);
    const second = (await b.call({ party_create: { open: true, max_size: 4 } })).party.party_id;
    assert.notEqual(second, first);
    const left = await a.pushes.first("b left the first", (e) => e.kind === "party_presence_event" && e.value.party_id === first && (e.value.leaves ?? []).length > 0);
    assert.equal(left.value.leaves[0].user_id, b.presence.user_id);
  });
});

const HOOKS = `
local nk = require("nakama")
nk.register_rt_before(function(context, envelope)
  error("no chatting here")
end, "ChannelMessageSend")
nk.register_rt_before(function(context, envelope)
  return nil
end, "PartyCreate")
`;

describe("realtime hooks of chat and party messages", () => {
  let s: BootedServer;
  let dir: string;
  let a: Member;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "troupe-party-hooks-"));
    writeFileSync(path.join(dir, "hooks.lua"), HOOKS);
    s = await bootServer({ "logger.level": "warn", "runtime.path": dir, "runtime.lua_min_count": 1, "runtime.lua_max_count": 2 });
    a = await member(s, "hooked", "protobuf");
  });
  after(async () => {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a failing before hook answers code 7; one returning nothing disables the message and closes", async () => {
    const ch = await a.call({ channel_join: { target: "hooked-room", type: 1 } });
    const err = await rtFailure(a.call({ channel_message_send: { channel_id: ch.channel.id, content: "{}" } }));
    assert.equal(err.code, 7);
    assert.match(err.message, /no chatting here/);
    assert.deepEqual(await rtFailure(a.call({ party_create: { open: true, max_size: 2 } })), { code: 1, message: "Requested resource was not found." });
    await a.close();
  });
});
