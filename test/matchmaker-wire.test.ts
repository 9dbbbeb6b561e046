// Black-box: the matchmaker over the wire with nakama-js sockets (JSON, and protobuf through
// @heroiclabs/nakama-js-protobuf; `count_multiple` postdates that package's schema, so protobuf players
// that need it speak our codec over a raw socket). Groups of 2..4 with count_multiple, property queries
// that must and must not match, one-way matching by default and mutual acceptance with rev_precision,
// max_intervals relaxation, removal (by request and on disconnect), the per-session ticket limit,
// validation texts, parties kept together, joining the relayed match with the token, and
// GET /v2/matchmaker/stats. Passes run every second; scenarios are kept apart by a `scn` property in
// every query, and waits are on pushes or polled observables with deadlines, never sleeps.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { decodeBinary, rt, toJsonValue } from "../proto/index.js";
import { bootServer, type BootedServer } from "./helpers/boot.js";
import { RawSocket, Recorder, clientFor, login, peer, wsUrl, type Peer } from "./realtime-kit.js";
import { bearer, eventually, request } from "./runtime-kit.js";

type Kind = "json" | "protobuf" | "raw-protobuf";
type Props = { string_properties?: Record<string, string>; numeric_properties?: Record<string, number> };
interface MmUser { user_id: string; session_id: string; username: string; party_id: string; string_properties: Record<string, string>; numeric_properties: Record<string, number> }
interface Matched { ticket: string; token?: string; match_id?: string; users: MmUser[]; self: MmUser }

interface Player {
  readonly name: string;
  readonly kind: Kind;
  readonly userId: string;
  readonly matched: Recorder<Matched>;
  /** Sends an envelope; resolves with the reply envelope, rejects with the realtime error {code?, message}. */
  call(env: Record<string, unknown>): Promise<any>;
  /** Every push received (raw envelope members), for players that need more than matched. */
  readonly pushes: Recorder<{ kind: string; value: any }>;
  close(): void;
}

function user(u: any): MmUser {
  return {
    user_id: u.presence.user_id, session_id: u.presence.session_id, username: u.presence.username, party_id: u.party_id ?? "",
    string_properties: { ...u.string_properties }, numeric_properties: { ...u.numeric_properties },
  };
}
function norm(m: any): Matched {
  return { ticket: m.ticket, token: m.token || undefined, match_id: m.match_id || undefined, users: m.users.map(user), self: user(m.self) };
}

async function jsPlayer(s: BootedServer, name: string, kind: "json" | "protobuf"): Promise<Player> {
  const p: Peer = await peer(s, name, kind);
  const matched = new Recorder<Matched>();
  p.socket.onmatchmakermatched = (m) => matched.push(norm(m));
  return {
    name, kind, userId: p.session.user_id as string, matched, pushes: p.pushes,
    call: (env) => p.socket.send(structuredClone(env)),
    close: () => p.socket.disconnect(false),
  };
}

async function rawPlayer(s: BootedServer, name: string): Promise<Player> {
  const session = await login(clientFor(s), name);
  const raw = await RawSocket.open(wsUrl(s, session.token, "protobuf"), "protobuf");
  const matched = new Recorder<Matched>();
  const pushes = new Recorder<{ kind: string; value: any }>();
  raw.ws.on("message", (data: Buffer) => {
    const m = toJsonValue(rt.Envelope, decodeBinary(rt.Envelope, data)) as Record<string, any>;
    if (m.cid !== undefined) return;
    const kind = Object.keys(m)[0] ?? "";
    if (kind === "matchmaker_matched") matched.push(norm(m.matchmaker_matched));
    else pushes.push({ kind, value: m[kind] });
  });
  let cid = 0;
  return {
    name, kind: "raw-protobuf", userId: session.user_id as string, matched, pushes,
    call: async (env) => {
      const id = `c${++cid}`;
      raw.send({ ...env, cid: id });
      const r = await raw.reply(id);
      if (r.error !== undefined) throw r.error;
      return r;
    },
    close: () => raw.close(),
  };
}

function player(s: BootedServer, name: string, kind: Kind): Promise<Player> {
  return kind === "raw-protobuf" ? rawPlayer(s, name) : jsPlayer(s, name, kind);
}

let seq = 0;
/** `n` fresh players cycling through the kinds given. */
function players(s: BootedServer, prefix: string, kinds: readonly Kind[], n = kinds.length): Promise<Player[]> {
  const run = ++seq;
  return Promise.all(Array.from({ length: n }, (_, i) => player(s, `${prefix}${run}x${i}`, kinds[i % kinds.length])));
}

interface Ticket { min: number; max: number; query: string; multiple?: number; props?: Props }

async function addTicket(p: Player, t: Ticket): Promise<string> {
  const msg: Record<string, unknown> = { min_count: t.min, max_count: t.max, query: t.query, ...t.props };
  if (t.multiple !== undefined) msg.count_multiple = t.multiple;
  const r = await p.call({ matchmaker_add: msg });
  return r.matchmaker_ticket.ticket as string;
}

async function removeTicket(p: Player, ticket: string): Promise<void> {
  await p.call({ matchmaker_remove: { ticket } });
}

/** The realtime error a call fails with. */
async function failure(call: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await call;
  } catch (e) {
    const err = e as { code?: number; message?: string };
    return { code: err.code ?? 0, message: err.message ?? String(e) };
  }
  throw new Error("expected a realtime error");
}

const matchedOf = (p: Player, ms = 6000): Promise<Matched> => p.matched.first(`${p.name} matched`, () => true, ms);
const names = (m: Matched): string[] => m.users.map((u) => u.username).sort();
const scn = (id: string, rest = ""): string => `+properties.scn:${id}${rest === "" ? "" : ` ${rest}`}`;
const tag = (id: string, props: Props = {}): Props => ({ ...props, string_properties: { scn: id, ...props.string_properties } });

async function stats(s: BootedServer, token: string): Promise<any> {
  const r = await request(s, "/v2/matchmaker/stats", { headers: { authorization: bearer(token) } });
  assert.equal(r.status, 200, r.text);
  return r.json();
}

/** Returns once a pass has just run (a fresh pair of `*`-free tickets matched), so the next ~second is quiet. */
async function afterPass(s: BootedServer): Promise<void> {
  const id = `clock${++seq}`;
  const pair = await players(s, "clk", ["json", "json"]);
  await Promise.all(pair.map((p) => addTicket(p, { min: 2, max: 2, query: scn(id), props: tag(id) })));
  await Promise.all(pair.map((p) => matchedOf(p)));
  pair.forEach((p) => p.close());
}

function jwtClaims(token: string): { mid: string; exp: number } {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as { mid: string; exp: number };
}

describe("matchmaker (interval 1 s, max_intervals 3, max_tickets 2)", () => {
  let s: BootedServer;
  let token: string;
  before(async () => {
    s = await bootServer({ "logger.level": "warn", "matchmaker.interval_sec": 1, "matchmaker.max_intervals": 3, "matchmaker.max_tickets": 2 });
    token = (await login(clientFor(s), "mm-stats-reader")).token;
  });
  after(async () => {
    await s.stop();
  });
  const waiting = async (): Promise<number> => ((await stats(s, token)).ticket_count as number | undefined) ?? 0;

  test("2..4 with count_multiple 2: four form one group; of three, only an even group forms", async () => {
    const four = await players(s, "cm4", ["json", "raw-protobuf"], 4);
    const three = await players(s, "cm3", ["raw-protobuf", "json"], 3);
    const t4 = await Promise.all(four.map((p) => addTicket(p, { min: 2, max: 4, multiple: 2, query: scn("cm4"), props: tag("cm4") })));
    const t3 = await Promise.all(three.map((p) => addTicket(p, { min: 2, max: 4, multiple: 2, query: scn("cm3"), props: tag("cm3") })));
    const got = await Promise.all(four.map((p) => matchedOf(p)));
    for (const [i, m] of got.entries()) {
      assert.deepEqual(names(m), four.map((p) => p.name).sort());
      assert.equal(m.ticket, t4[i]);
      assert.equal(m.self.user_id, four[i].userId);
      assert.equal(m.token, got[0].token);
      assert.equal(m.match_id, undefined);
    }
    // Three tickets wanting even groups: after relaxation two of them (the oldest) form a pair.
    const pair = await Promise.all(three.slice(0, 2).map((p) => matchedOf(p, 8000)));
    assert.deepEqual(names(pair[0]), three.slice(0, 2).map((p) => p.name).sort());
    assert.equal(three[2].matched.seen.length, 0);
    await removeTicket(three[2], t3[2]);
    assert.equal(await waiting(), 0);
    [...four, ...three].forEach((p) => p.close());
  });

  test("property queries: must, must-not and ranges decide; matched users carry their properties", async () => {
    const [a, b, c, d, e] = await players(s, "q", ["json", "protobuf", "raw-protobuf", "json", "protobuf"]);
    const strict = scn("q", "+properties.region:eu -properties.mode:ranked +properties.skill:>=5");
    const ta = await addTicket(a, { min: 2, max: 2, query: strict, props: tag("q", { string_properties: { region: "eu" }, numeric_properties: { skill: 10 } }) });
    const tb = await addTicket(b, { min: 2, max: 2, query: strict, props: tag("q", { string_properties: { region: "eu" }, numeric_properties: { skill: 7.5 } }) });
    const others = await Promise.all([
      addTicket(c, { min: 2, max: 2, query: scn("q", "+properties.mode:ranked"), props: tag("q", { string_properties: { region: "eu", mode: "ranked" }, numeric_properties: { skill: 12 } }) }),
      addTicket(d, { min: 2, max: 2, query: scn("q", "+properties.skill:<5"), props: tag("q", { string_properties: { region: "eu" }, numeric_properties: { skill: 12 } }) }),
      addTicket(e, { min: 2, max: 2, query: scn("q", "+properties.region:us"), props: tag("q", { string_properties: { region: "eu" }, numeric_properties: { skill: 9 } }) }),
    ]);
    const [ma, mb] = await Promise.all([matchedOf(a), matchedOf(b)]);
    assert.deepEqual(names(ma), [a.name, b.name].sort());
    assert.deepEqual([ma.ticket, mb.ticket], [ta, tb]);
    const bUser = ma.users.find((u) => u.user_id === b.userId);
    assert.deepEqual(bUser?.string_properties, { scn: "q", region: "eu" });
    assert.deepEqual(bUser?.numeric_properties, { skill: 7.5 });
    assert.deepEqual(mb.self, bUser);
    // Each of c, d, e has had its (only) interval by now, and nobody accepts them: one more pass proves it.
    await afterPass(s);
    assert.deepEqual([c, d, e].map((p) => p.matched.seen.length), [0, 0, 0]);
    assert.equal(await waiting(), 3);
    await Promise.all([c, d, e].map((p, i) => removeTicket(p, others[i])));
    [a, b, c, d, e].forEach((p) => p.close());
  });

  test("without rev_precision the oldest searcher's query alone decides", async () => {
    await afterPass(s);
    const [y, x, z] = await players(s, "ow", ["json", "protobuf", "json"]);
    await addTicket(y, { min: 2, max: 2, query: scn("ow"), props: tag("ow", { string_properties: { role: "dps" } }) });
    await addTicket(x, { min: 2, max: 2, query: scn("ow", "+properties.role:tank"), props: tag("ow", { string_properties: { role: "healer" } }) });
    const tz = await addTicket(z, { min: 2, max: 2, query: scn("ow", "+properties.role:healer"), props: tag("ow", { string_properties: { role: "tank" } }) });
    const m = await matchedOf(y);
    assert.deepEqual(names(m), [x.name, y.name].sort(), "y accepts x although x's query does not accept y");
    await removeTicket(z, tz);
    [x, y, z].forEach((p) => p.close());
  });

  test("max_intervals: 3 tickets on 2..4 wait 3 passes for a fourth, then form a group of 3", async () => {
    assert.equal(await waiting(), 0);
    await afterPass(s);
    const trio = await players(s, "mi", ["json", "protobuf", "raw-protobuf"]);
    await Promise.all(trio.map((p) => addTicket(p, { min: 2, max: 4, query: scn("mi"), props: tag("mi") })));
    await afterPass(s); // the trio's 1st interval
    assert.equal(await waiting(), 3);
    await afterPass(s); // 2nd
    assert.equal(await waiting(), 3);
    const got = await Promise.all(trio.map((p) => matchedOf(p))); // 3rd: the last, min count may form
    for (const m of got) assert.deepEqual(names(m), trio.map((p) => p.name).sort());
    assert.equal(new Set(got.map((m) => m.token)).size, 1);
    assert.equal(await waiting(), 0);
    trio.forEach((p) => p.close());
  });

  test("removal: a removed ticket never matches; unknown or foreign tickets are not found; disconnects remove tickets", async () => {
    const [a, b, c, d] = await players(s, "rm", ["json", "protobuf", "raw-protobuf", "json"]);
    const ta = await addTicket(a, { min: 2, max: 2, query: scn("rm"), props: tag("rm") });
    assert.deepEqual(Object.keys(await a.call({ matchmaker_remove: { ticket: ta } })).filter((k) => !["cid", "binary"].includes(k)), []);
    for (const [who, ticket] of [[a, ta], [b, ta], [c, "no-such-ticket"]] as const) {
      assert.deepEqual(await failure(who.call({ matchmaker_remove: { ticket } })), { code: 3, message: "Matchmaker ticket not found" });
    }
    assert.deepEqual(await failure(b.call({ matchmaker_remove: { ticket: "" } })), { code: 3, message: "Invalid matchmaker ticket" });
    const tc = await addTicket(c, { min: 2, max: 2, query: scn("rm"), props: tag("rm") });
    await assert.rejects(removeTicket(b, tc));
    await addTicket(b, { min: 2, max: 2, query: scn("rm"), props: tag("rm") });
    const [mb, mc] = await Promise.all([matchedOf(b), matchedOf(c)]);
    assert.deepEqual(names(mb), [b.name, c.name].sort());
    assert.equal(mc.self.user_id, c.userId);
    assert.equal(a.matched.seen.length, 0);
    await addTicket(d, { min: 2, max: 3, query: scn("rm-gone"), props: tag("rm-gone") });
    assert.equal(await waiting(), 1);
    d.close();
    await eventually("d's ticket removed", async () => ((await waiting()) === 0 ? true : undefined));
    [a, b, c].forEach((p) => p.close());
  });

  test("max_tickets per session: the next add is RUNTIME_EXCEPTION 'Error adding to matchmaker' until one goes", async () => {
    for (const kind of ["json", "protobuf"] as const) {
      const [p] = await players(s, "lim", [kind]);
      const q: Ticket = { min: 2, max: 2, query: scn(`lim-${p.name}`), props: tag(`lim-${p.name}`) };
      const [t1] = [await addTicket(p, q), await addTicket(p, q)];
      assert.deepEqual(await failure(addTicket(p, q)), { code: 0, message: "Error adding to matchmaker" });
      await removeTicket(p, t1);
      await addTicket(p, q);
      p.close();
    }
    await eventually("tickets of closed sessions gone", async () => ((await waiting()) === 0 ? true : undefined));
  });

  test("bad counts and queries get Nakama's answers on both formats", async () => {
    const [j, pb] = await players(s, "bad", ["json", "raw-protobuf"]);
    for (const p of [j, pb]) {
      const cases: Array<[Record<string, unknown>, { code: number; message: string }]> = [
        [{ min_count: 1, max_count: 2 }, { code: 3, message: "Invalid minimum count, must be >= 2" }],
        [{ min_count: 3, max_count: 2 }, { code: 3, message: "Invalid maximum count, must be >= minimum count" }],
        [{ min_count: 2, max_count: 4, count_multiple: 0 }, { code: 3, message: "Invalid count multiple, must be >= 1" }],
        [{ min_count: 3, max_count: 6, count_multiple: 2 }, { code: 3, message: "Invalid count multiple for minimum count, must divide" }],
        [{ min_count: 2, max_count: 5, count_multiple: 2 }, { code: 3, message: "Invalid count multiple for maximum count, must divide" }],
        [{ min_count: 2, max_count: 2, query: "properties.x:>" }, { code: 0, message: "Error adding to matchmaker" }],
      ];
      for (const [msg, want] of cases) assert.deepEqual(await failure(p.call({ matchmaker_add: msg })), want, JSON.stringify(msg));
    }
    assert.equal(await waiting(), 0);
    [j, pb].forEach((p) => p.close());
  });

  test("matched players join the relayed match with their token and exchange data", async () => {
    const [a, b] = await players(s, "tok", ["json", "protobuf"]);
    await Promise.all([a, b].map((p) => addTicket(p, { min: 2, max: 2, query: scn("tok"), props: tag("tok") })));
    const [ma, mb] = await Promise.all([matchedOf(a), matchedOf(b)]);
    assert.equal(ma.token, mb.token);
    const claims = jwtClaims(ma.token as string);
    assert.match(claims.mid, /^[0-9a-f-]{36}\.$/);
    const first = await a.call({ match_join: { token: ma.token } });
    assert.equal(first.match.match_id, claims.mid);
    assert.equal(first.match.authoritative ?? false, false);
    const second = await b.call({ match_join: { token: mb.token } });
    assert.equal(second.match.match_id, claims.mid);
    assert.deepEqual(second.match.presences.map((p: { user_id: string }) => p.user_id), [a.userId]);
    await a.call({ match_data_send: { match_id: claims.mid, op_code: 7, data: "hi b" } }); // nakama-js base64-encodes it; no reply: resolves at once
    const data = await b.pushes.first("match_data from a", (e) => e.kind === "match_data");
    assert.equal(Buffer.from(data.value.data as Uint8Array).toString(), "hi b");
    [a, b].forEach((p) => p.close());
  });

  test("parties stay together: both members share the party ticket in one group", async () => {
    const [leader, member, solo] = await players(s, "pty", ["json", "json", "protobuf"]);
    const party = await leader.call({ party_create: { open: true, max_size: 2 } });
    const partyId = party.party.party_id as string;
    await member.call({ party_join: { party_id: partyId } }); // open party: a member once answered
    const pt = await leader.call({ party_matchmaker_add: { party_id: partyId, min_count: 3, max_count: 3, query: scn("pty"), ...tag("pty") } });
    const ticket = pt.party_matchmaker_ticket.ticket as string;
    await addTicket(solo, { min: 3, max: 3, query: scn("pty"), props: tag("pty") });
    const [ml, mm, ms] = await Promise.all([leader, member, solo].map((p) => matchedOf(p)));
    assert.deepEqual(names(ml), [leader.name, member.name, solo.name].sort());
    assert.deepEqual([ml.ticket, mm.ticket], [ticket, ticket]);
    assert.notEqual(ms.ticket, ticket);
    assert.deepEqual(ms.users.filter((u) => u.party_id === partyId).map((u) => u.username).sort(), [leader.name, member.name].sort());
    assert.equal(ms.self.party_id, "");
    [leader, member, solo].forEach((p) => p.close());
  });

  test("GET /v2/matchmaker/stats: waiting tickets, the oldest one's time, recent completions; Bearer required", async () => {
    const unauth = await request(s, "/v2/matchmaker/stats");
    assert.equal(unauth.status, 401);
    const [a, b, p] = await players(s, "st", ["json", "protobuf", "json"]);
    const started = Date.now() - 1000; // server and test clocks are the same clock; 1 s of slack for rounding
    await Promise.all([a, b].map((x) => addTicket(x, { min: 2, max: 2, query: scn("st"), props: tag("st") })));
    await Promise.all([a, b].map((x) => matchedOf(x)));
    await addTicket(p, { min: 2, max: 2, query: scn("st-alone"), props: tag("st-alone") });
    const body = await stats(s, token);
    assert.equal(body.ticket_count, 1);
    assert.ok(Date.parse(body.oldest_ticket_create_time as string) >= started, body.oldest_ticket_create_time);
    const done = body.completions as Array<{ create_time: string; complete_time: string }>;
    assert.ok(done.length >= 2 && done.length <= 10, JSON.stringify(done));
    for (const c of done) assert.ok(Date.parse(c.complete_time) >= Date.parse(c.create_time));
    for (const c of done.slice(-2)) assert.ok(Date.parse(c.create_time) >= started, "the last completions are a and b");
    [a, b, p].forEach((x) => x.close());
  });
});

describe("matchmaker with rev_precision", () => {
  let s: BootedServer;
  before(async () => {
    s = await bootServer({ "logger.level": "warn", "matchmaker.interval_sec": 1, "matchmaker.rev_precision": true });
  });
  after(async () => {
    await s.stop();
  });

  test("every member's query must accept every other: the oldest searcher no longer takes a one-way match", async () => {
    await afterPass(s);
    const [y, x, z] = await players(s, "mu", ["json", "protobuf", "raw-protobuf"]);
    const ty = await addTicket(y, { min: 2, max: 2, query: scn("mu"), props: tag("mu", { string_properties: { role: "dps" } }) });
    await addTicket(x, { min: 2, max: 2, query: scn("mu", "+properties.role:tank"), props: tag("mu", { string_properties: { role: "healer" } }) });
    await addTicket(z, { min: 2, max: 2, query: scn("mu", "+properties.role:healer"), props: tag("mu", { string_properties: { role: "tank" } }) });
    const [mx, mz] = await Promise.all([matchedOf(x), matchedOf(z)]);
    assert.deepEqual(names(mx), [x.name, z.name].sort());
    assert.equal(mz.token, mx.token);
    assert.equal(y.matched.seen.length, 0);
    await removeTicket(y, ty);
    [x, y, z].forEach((p) => p.close());
  });
});
