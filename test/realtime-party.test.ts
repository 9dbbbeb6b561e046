// Black-box: realtime parties with a nakama-js JSON socket and a protobuf socket on each side: open
// parties (create, join, `party` to the joiner, presence events, data both ways), promote, leader
// hand-over on leave and on disconnect, full parties, removal, close; closed parties (join requests to
// the leader, list, accept, reject, duplicates); party matchmaking (tickets for the whole party, groups
// of two parties matched); and Nakama's errors for bad input.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { bootServer, type BootedServer } from "./helpers/boot.js";
import type { Format } from "./realtime-kit.js";
import { dataOf, member, opOf, rtFailure, sendData, type Kind, type Member, type UserPresence } from "./realtime-party-kit.js";

let s: BootedServer;

before(async () => {
  s = await bootServer({ "logger.level": "warn", "matchmaker.interval_sec": 1 });
});
after(async () => {
  await s.stop();
});

const users = (ps: UserPresence[] | undefined): string[] => (ps ?? []).map((p) => p.user_id).sort();
const push = (kind: string, partyId: string, pred: (v: any) => boolean = () => true) => (e: Kind): boolean =>
  e.kind === kind && e.value.party_id === partyId && pred(e.value);
const bad = (message: string) => ({ code: 3, message });

for (const [fa, fb] of [["json", "protobuf"], ["protobuf", "json"]] as Array<[Format, Format]>) {
  describe(`open party: ${fa} leader, ${fb} and ${fa} members`, () => {
    let a: Member, b: Member, c: Member, d: Member;
    let partyId: string;
    before(async () => {
      [a, b, c, d] = await Promise.all([member(s, `pa${fa}`, fa), member(s, `pb${fb}`, fb), member(s, `pc${fa}`, fa), member(s, `pd${fb}`, fb)]);
    });
    after(async () => {
      await Promise.all([a, b, c, d].map((m) => m.close()));
    });

    test("create: a <uuid>.<node> id; the creator is self, leader and only member", async () => {
      const r = await a.call({ party_create: { open: true, max_size: 3 } });
      partyId = r.party.party_id;
      assert.match(partyId, /^[0-9a-f-]{36}\.troupe$/);
      assert.equal(r.party.open, true);
      assert.equal(r.party.max_size, 3);
      assert.deepEqual(r.party.self, a.presence);
      assert.deepEqual(r.party.leader, a.presence);
      assert.deepEqual(r.party.presences, [a.presence]);
    });

    test("join: an empty reply, then `party` for the joiner and a presence event for the members", async () => {
      const r = await b.call({ party_join: { party_id: partyId } });
      assert.deepEqual(Object.keys(r).filter((k) => k !== "cid" && k !== "binary"), []);
      const p = await b.pushes.first("party", push("party", partyId));
      assert.deepEqual(p.value.self, b.presence);
      assert.deepEqual(p.value.leader, a.presence);
      assert.deepEqual(users(p.value.presences), users([a.presence, b.presence]));
      assert.equal(p.value.max_size, 3);
      const ev = await a.pushes.first("b joined", push("party_presence_event", partyId, (v) => users(v.joins).includes(b.presence.user_id)));
      assert.deepEqual(ev.value.joins, [b.presence]);
    });

    test("data goes to every other member with the sender's presence, never back", async () => {
      sendData(a, partyId, 7, "from a");
      const got = await b.pushes.first("data", push("party_data", partyId));
      assert.deepEqual([opOf(got.value), dataOf(got.value)], [7, "from a"]);
      assert.deepEqual(got.value.presence, a.presence);
      sendData(b, partyId, 8, "from b");
      const back = await a.pushes.first("data back", push("party_data", partyId));
      assert.deepEqual([opOf(back.value), dataOf(back.value)], [8, "from b"]);
      assert.equal(b.pushes.seen.filter((e) => e.kind === "party_data").length, 1);
    });

    test("the party fills up at max_size", async () => {
      await c.call({ party_join: { party_id: partyId } });
      await c.pushes.first("c in", push("party", partyId));
      assert.deepEqual(await rtFailure(d.call({ party_join: { party_id: partyId } })), bad("Error joining party: party full"));
    });

    test("only the leader promotes; everyone learns the new leader", async () => {
      assert.deepEqual(await rtFailure(b.call({ party_promote: { party_id: partyId, presence: b.presence } })), bad("Error promoting new party leader: party leader only"));
      assert.deepEqual(await rtFailure(a.call({ party_promote: { party_id: partyId, presence: d.presence } })), bad("Error promoting new party leader: party member not found"));
      await a.call({ party_promote: { party_id: partyId, presence: b.presence } });
      for (const m of [a, b, c]) {
        const l = await m.pushes.first(`${m.name} sees b lead`, push("party_leader", partyId));
        assert.deepEqual(l.value.presence, b.presence);
      }
      assert.deepEqual(await rtFailure(a.call({ party_join_request_list: { party_id: partyId } })), bad("Error listing party join requests: party leader only"));
    });

    test("the leader removes a member, who gets party_close; removing oneself is refused", async () => {
      assert.deepEqual(await rtFailure(b.call({ party_remove: { party_id: partyId, presence: b.presence } })), bad("Error removing party member or join request: party cannot remove self"));
      assert.deepEqual(await rtFailure(b.call({ party_remove: { party_id: partyId, presence: d.presence } })), bad("Error removing party member or join request: party member not found"));
      await b.call({ party_remove: { party_id: partyId, presence: c.presence } });
      await c.pushes.first("c closed out", push("party_close", partyId));
      await a.pushes.first("c left", push("party_presence_event", partyId, (v) => users(v.leaves).includes(c.presence.user_id)));
    });

    test("when the leader leaves, the oldest member leads", async () => {
      await d.call({ party_join: { party_id: partyId } });
      await d.pushes.first("d in", push("party", partyId));
      await b.call({ party_leave: { party_id: partyId } });
      for (const m of [a, d]) {
        const l = await m.pushes.first(`${m.name} sees a lead`, push("party_leader", partyId, (v) => v.presence.user_id === a.presence.user_id));
        assert.deepEqual(l.value.presence, a.presence);
      }
    });

    test("only the leader closes; everyone gets party_close and the party is gone", async () => {
      assert.deepEqual(await rtFailure(d.call({ party_close: { party_id: partyId } })), bad("Error closing party: party leader only"));
      await a.call({ party_close: { party_id: partyId } });
      for (const m of [a, d]) await m.pushes.first(`${m.name} closed`, push("party_close", partyId));
      assert.deepEqual(await rtFailure(b.call({ party_join: { party_id: partyId } })), bad("Error joining party: party not found"));
    });
  });

  describe(`closed party: ${fa} leader, ${fb} asking`, () => {
    let a: Member, b: Member, c: Member;
    let partyId: string;
    before(async () => {
      [a, b, c] = await Promise.all([member(s, `qa${fa}`, fa), member(s, `qb${fb}`, fb), member(s, `qc${fb}`, fb)]);
      partyId = (await a.call({ party_create: { open: false, max_size: 4 } })).party.party_id;
    });
    after(async () => {
      await Promise.all([a, b, c].map((m) => m.close()));
    });

    test("a join is a request to the leader; asking twice is refused", async () => {
      await b.call({ party_join: { party_id: partyId } });
      const req = await a.pushes.first("request", push("party_join_request", partyId));
      assert.deepEqual(req.value.presences, [b.presence]);
      assert.deepEqual(await rtFailure(b.call({ party_join: { party_id: partyId } })), bad("Error joining party: party join request duplicate"));
      await c.call({ party_join: { party_id: partyId } });
      const list = await a.call({ party_join_request_list: { party_id: partyId } });
      assert.deepEqual(list.party_join_request.presences, [b.presence, c.presence]);
      assert.equal(list.party_join_request.party_id, partyId);
    });

    test("accepting makes a member (who gets `party`); removing a request rejects it", async () => {
      assert.deepEqual(await rtFailure(b.call({ party_accept: { party_id: partyId, presence: c.presence } })), bad("Error accepting party join request: party leader only"));
      await a.call({ party_accept: { party_id: partyId, presence: b.presence } });
      const p = await b.pushes.first("party", push("party", partyId));
      assert.equal(p.value.open ?? false, false);
      assert.deepEqual(users(p.value.presences), users([a.presence, b.presence]));
      await a.pushes.first("b joined", push("party_presence_event", partyId, (v) => users(v.joins).includes(b.presence.user_id)));
      assert.deepEqual(await rtFailure(b.call({ party_join: { party_id: partyId } })), bad("Error joining party: party join request already member"));
      await a.call({ party_remove: { party_id: partyId, presence: c.presence } });
      const list = await a.call({ party_join_request_list: { party_id: partyId } });
      assert.deepEqual(list.party_join_request.presences ?? [], []);
      assert.deepEqual(await rtFailure(a.call({ party_accept: { party_id: partyId, presence: c.presence } })), bad("Error accepting party join request: party join request not found"));
    });

    test("a leader's disconnect hands the lead to the next member; the last one out ends the party", async () => {
      await a.close();
      const l = await b.pushes.first("b leads", push("party_leader", partyId));
      assert.deepEqual(l.value.presence, b.presence);
      await b.call({ party_leave: { party_id: partyId } });
      // Leaves reach the party as presence events (a turn later): poll, with a deadline, until it is gone.
      const deadline = Date.now() + 4000;
      let answer: { code: number; message: string } | undefined;
      while (answer?.message !== "Error joining party: party not found" && Date.now() < deadline) {
        answer = await c.call({ party_join: { party_id: partyId } }).then(() => undefined, (e: { code: number; message: string }) => e);
      }
      assert.deepEqual(answer, bad("Error joining party: party not found"));
    });
  });
}

describe("party: bad input", () => {
  let a: Member, z: Member;
  let partyId: string;
  before(async () => {
    [a, z] = await Promise.all([member(s, "bad-party", "json"), member(s, "bad-party-z", "protobuf")]);
    partyId = (await a.call({ party_create: { open: true, max_size: 2 } })).party.party_id;
  });
  after(async () => {
    await Promise.all([a.close(), z.close()]);
  });

  test("only members send data (nakama-js sends data without a cid, so a raw socket asks)", async () => {
    const env = { party_data_send: { party_id: partyId, op_code: "1", data: Buffer.from("x") } };
    assert.deepEqual(await rtFailure(z.call(env)), bad("Error sending party data: party member not found"));
    assert.deepEqual(await rtFailure(z.call({ party_data_send: { party_id: "bad", op_code: "1", data: Buffer.from("x") } })), bad("Invalid party ID"));
  });

  test("ids, presences, sizes, counts, labels and matchmaker refusals get Nakama's texts", async () => {
    const other = `${partyId.split(".")[0]}.elsewhere`;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ party_create: { open: true, max_size: 257 } }, "Invalid party max size, must be 1-256"],
      [{ party_create: { open: true, max_size: -1 } }, "Invalid party max size, must be 1-256"],
      [{ party_join: { party_id: "nope" } }, "Invalid party ID"],
      [{ party_join: { party_id: "nope.nakama" } }, "Invalid party ID"],
      [{ party_join: { party_id: other } }, "Error joining party: party not found"],
      [{ party_leave: { party_id: "" } }, "Invalid party ID"],
      [{ party_promote: { party_id: partyId } }, "Invalid presence"],
      [{ party_accept: { party_id: partyId, presence: { user_id: a.presence.user_id, session_id: a.presence.session_id } } }, "Invalid presence"],
      [{ party_remove: { party_id: "x", presence: a.presence } }, "Invalid party ID"],
      [{ party_close: { party_id: "x." } }, "Invalid party ID"],
      [{ party_matchmaker_add: { party_id: partyId, min_count: 1, max_count: 2 } }, "Invalid minimum count, must be >= 2"],
      [{ party_matchmaker_add: { party_id: partyId, min_count: 3, max_count: 2 } }, "Invalid maximum count, must be >= minimum count"],
      [{ party_matchmaker_add: { party_id: partyId, min_count: 2, max_count: 4, count_multiple: 3 } }, "Invalid count multiple for minimum count, must divide"],
      [{ party_matchmaker_remove: { party_id: partyId, ticket: "no-such-ticket" } }, "Error closing party: matchmaker ticket not found"],
      [{ party_matchmaker_remove: { party_id: partyId, ticket: "" } }, "Invalid matchmaker ticket"],
      [{ party_create: { open: true, max_size: 2, label: "[1]" } }, "Invalid party label, must be a JSON object"],
      [{ party_create: { open: true, max_size: 2, label: JSON.stringify({ x: "y".repeat(2050) }) } }, "Invalid party label, must be 0-2048 bytes"],
    ];
    for (const [env, message] of cases) {
      const what = JSON.stringify(env).slice(0, 200);
      assert.deepEqual(await rtFailure(a.call(env)).catch((e: Error) => e.message + what), bad(message), what);
    }
    const q = await rtFailure(a.call({ party_matchmaker_add: { party_id: partyId, min_count: 2, max_count: 4, query: 'properties.x:"open' } }));
    assert.equal(q.code, 3);
    assert.match(q.message, /^Error adding party to matchmaker: matchmaker query invalid/);
    const ok = await a.call({ party_join_request_list: { party_id: partyId } });
    assert.deepEqual(ok.party_join_request.presences ?? [], []);
  });
});

describe("party matchmaking", () => {
  let a: Member, b: Member, c: Member, d: Member;
  let p1: string, p2: string;
  before(async () => {
    [a, b, c, d] = await Promise.all([member(s, "mma", "json"), member(s, "mmb", "protobuf"), member(s, "mmc", "protobuf"), member(s, "mmd", "json")]);
    p1 = (await a.call({ party_create: { open: true, max_size: 2 } })).party.party_id;
    p2 = (await c.call({ party_create: { open: true, max_size: 2 } })).party.party_id;
    await b.call({ party_join: { party_id: p1 } });
    await d.call({ party_join: { party_id: p2 } });
    await Promise.all([b.pushes.first("b in", push("party", p1)), d.pushes.first("d in", push("party", p2))]);
  });
  after(async () => {
    await Promise.all([a, b, c, d].map((m) => m.close()));
  });

  test("only the leader adds the party; every member learns the ticket; a ticket can be removed", async () => {
    assert.deepEqual(await rtFailure(b.call({ party_matchmaker_add: { party_id: p1, min_count: 4, max_count: 4 } })), bad("Error adding party to matchmaker: party leader only"));
    const r = await a.call({ party_matchmaker_add: { party_id: p1, min_count: 4, max_count: 4, query: "+properties.mode:duo" } });
    const ticket = r.party_matchmaker_ticket.ticket as string;
    assert.equal(r.party_matchmaker_ticket.party_id, p1);
    const t = await b.pushes.first("ticket", push("party_matchmaker_ticket", p1));
    assert.equal(t.value.ticket, ticket);
    await a.call({ party_matchmaker_remove: { party_id: p1, ticket } });
    assert.deepEqual(await rtFailure(a.call({ party_matchmaker_remove: { party_id: p1, ticket } })), bad("Error closing party: matchmaker ticket not found"));
  });

  test("two parties of two make a group of four: everyone gets matchmaker_matched with party ids", async () => {
    const props = { string_properties: { mode: "duo" } };
    await a.call({ party_matchmaker_add: { party_id: p1, min_count: 4, max_count: 4, query: "+properties.mode:duo", ...props } });
    await c.call({ party_matchmaker_add: { party_id: p2, min_count: 4, max_count: 4, query: "+properties.mode:duo", ...props } });
    for (const m of [a, b, c, d]) {
      const got = await m.pushes.first(`${m.name} matched`, (e) => e.kind === "matchmaker_matched", 5000);
      const parties = (got.value.users as Array<{ party_id?: string; presence: UserPresence }>).map((u) => u.party_id).sort();
      assert.deepEqual(parties, [p1, p1, p2, p2].sort());
      assert.equal(got.value.self.presence.session_id, m.presence.session_id);
    }
  });
});
