// Unit tests of parties over fake sockets, for what the wire tests cannot reach: matchmaking with a fake
// matchmaker (the ticket to the leader and the other members, cancelled on membership changes and on
// close, dropped when the party closed while the matchmaker answered), and a runtime-style join of the
// party stream (a member if there is room).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { rt} from "../../../proto/index.js";
import { type Init } from "../../../proto/index.js";
import type { AddedTicket, TicketRequest } from "../../matchmaker/index.js";
import { silentLogger } from "../../log.js";
import type { RealtimeCore } from "../core.js";
import { processFrame } from "../dispatch.js";
import type { SessionHandle } from "../session.js";
import { testCore, testSession, turn, type FakeWire } from "../testkit.js";
import type { PartyMatchmaker } from "./env.js";
import { startParties, type Parties } from "./index.js";

const U = (n: number): string => `${n}${n}${n}${n}${n}${n}${n}${n}-0000-4000-8000-000000000000`;

class FakeMatchmaker implements PartyMatchmaker {
  readonly adds: TicketRequest[] = [];
  readonly removedParties: string[] = [];
  release: (() => void) | null = null;
  hold = false;
  async add(req: TicketRequest): Promise<AddedTicket> {
    this.adds.push(req);
    if (this.hold) await new Promise<void>((resolve) => (this.release = resolve));
    return { ticket: `ticket-${this.adds.length}`, createTime: 0 };
  }
  async remove(): Promise<void> {}
  removeParty(partyId: string): void {
    this.removedParties.push(partyId);
  }
}

function setup(mm?: FakeMatchmaker): { core: RealtimeCore; parties: Parties; users: Array<{ h: SessionHandle; wire: FakeWire }> } {
  const core = testCore({ settings: { outgoingQueueSize: 64 } });
  const parties = startParties(core, { log: silentLogger(), singleParty: false, matchmaker: () => mm });
  return { core, parties, users: [1, 2, 3].map((n) => testSession(core, U(n))) };
}

async function send(core: RealtimeCore, parties: Parties, h: SessionHandle, env: Init<rt.Envelope>): Promise<void> {
  await processFrame(core, parties.handlers, h, Buffer.from(JSON.stringify(env)), silentLogger());
  await turn();
}

const replies = (w: FakeWire, cid: string) => w.envelopes().filter((e) => e.cid === cid);
const pushes = (w: FakeWire, kind: keyof rt.Envelope) => w.envelopes().filter((e) => e.cid === "" && e[kind] !== undefined);

async function openParty(core: RealtimeCore, parties: Parties, users: Array<{ h: SessionHandle; wire: FakeWire }>): Promise<string> {
  await send(core, parties, users[0].h, { cid: "c", party_create: { open: true, max_size: 3 } });
  const id = replies(users[0].wire, "c")[0].party?.party_id as string;
  await send(core, parties, users[1].h, { cid: "j", party_join: { party_id: id } });
  return id;
}

test("party_matchmaker_add: one ticket with every member, to the leader (reply) and the others (push)", async () => {
  const mm = new FakeMatchmaker();
  const { core, parties, users } = setup(mm);
  const id = await openParty(core, parties, users);
  mm.removedParties.length = 0;
  await send(core, parties, users[0].h, { cid: "m", party_matchmaker_add: { party_id: id, min_count: 2, max_count: 4, query: "", string_properties: { mode: "x" } } });
  assert.equal(mm.adds.length, 1);
  const req = mm.adds[0];
  assert.deepEqual([req.partyId, req.sessionId, req.query, req.minCount, req.maxCount, req.countMultiple], [id, "", "*", 2, 4, 1]);
  assert.deepEqual(req.presences.map((p) => p.sessionId), [users[0].h.id, users[1].h.id]);
  assert.deepEqual(req.stringProperties, { mode: "x" });
  assert.deepEqual(replies(users[0].wire, "m")[0].party_matchmaker_ticket, { party_id: id, ticket: "ticket-1" });
  assert.deepEqual(pushes(users[1].wire, "party_matchmaker_ticket").map((e) => e.party_matchmaker_ticket?.ticket), ["ticket-1"]);
  await send(core, parties, users[1].h, { cid: "n", party_matchmaker_add: { party_id: id, min_count: 2, max_count: 4 } });
  assert.deepEqual(replies(users[1].wire, "n")[0].error, { code: 3, message: "Error adding party to matchmaker: party leader only", context: {} });
});

test("membership changes and closing cancel the party's matchmaking", async () => {
  const mm = new FakeMatchmaker();
  const { core, parties, users } = setup(mm);
  const id = await openParty(core, parties, users);
  assert.ok(mm.removedParties.includes(id), "a join cancels");
  mm.removedParties.length = 0;
  await send(core, parties, users[1].h, { cid: "l", party_leave: { party_id: id } });
  assert.deepEqual(mm.removedParties, [id]);
  await send(core, parties, users[0].h, { cid: "x", party_close: { party_id: id } });
  assert.deepEqual(mm.removedParties, [id, id]);
  assert.equal(parties.registry.count, 0);
});

test("a party closed while the matchmaker answers drops the ticket and says so", async () => {
  const mm = new FakeMatchmaker();
  mm.hold = true;
  const { core, parties, users } = setup(mm);
  await send(core, parties, users[0].h, { cid: "c", party_create: { open: true, max_size: 3 } });
  const id = replies(users[0].wire, "c")[0].party?.party_id as string;
  const pending = processFrame(core, parties.handlers, users[0].h, Buffer.from(JSON.stringify({ cid: "m", party_matchmaker_add: { party_id: id, min_count: 2, max_count: 2 } })), silentLogger());
  const party = parties.registry.find(id);
  assert.ok(party !== null && typeof party !== "string");
  party.stop();
  mm.release?.();
  await pending;
  await turn();
  assert.deepEqual(replies(users[0].wire, "m")[0].error, { code: 3, message: "Error adding party to matchmaker: party closed", context: {} });
  assert.ok(mm.removedParties.includes(id));
});

test("a session put on the party stream from elsewhere (the runtime) becomes a member and gets `party`", async () => {
  const { core, parties, users } = setup();
  await send(core, parties, users[0].h, { cid: "c", party_create: { open: false, max_size: 2 } });
  const id = replies(users[0].wire, "c")[0].party?.party_id as string;
  const party = parties.registry.find(id);
  assert.ok(party !== null && typeof party !== "string");
  core.tracker.track(users[2].h, party.stream, parties.registry.meta(users[2].h));
  await turn();
  const p = pushes(users[2].wire, "party")[0].party;
  assert.deepEqual(p?.presences.map((x) => x.user_id), [U(1), U(3)]);
  assert.equal(p?.leader?.user_id, U(1));
  // Full now: a further runtime join is not a member.
  core.tracker.track(users[1].h, party.stream, parties.registry.meta(users[1].h));
  await turn();
  assert.equal(pushes(users[1].wire, "party").length, 0);
  assert.equal(party.members.size, 2);
});
