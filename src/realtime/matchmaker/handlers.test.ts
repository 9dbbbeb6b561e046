// Unit tests of matchmaker_add / matchmaker_remove over fake sockets and a recording matchmaker:
// Nakama's count checks and texts (BAD_INPUT), the request the matchmaker receives (presence, "*" for
// an empty query, count multiple default 1), add failures as RUNTIME_EXCEPTION "Error adding to
// matchmaker", removal texts, and the ended-session race (its tickets are removed again).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code, GameError, fail } from "../../errors.js";
import { silentLogger } from "../../log.js";
import { encodeBinary, rt, type Init } from "../../../proto/index.js";
import { MatchmakerErr, type AddedTicket, type TicketRequest } from "../../matchmaker/index.js";
import { processFrame } from "../dispatch.js";
import type { RealtimeCore } from "../core.js";
import type { SessionHandle } from "../session.js";
import { testCore, testSession, turn } from "../testkit.js";
import { matchmakerHandlers, type SoloMatchmaker } from "./index.js";

const U1 = "11111111-1111-4111-8111-111111111111";

class FakeMatchmaker implements SoloMatchmaker {
  readonly added: TicketRequest[] = [];
  readonly removedSessions: string[] = [];
  addError: GameError | null = null;
  /** Runs before an add resolves (to end the session meanwhile). */
  duringAdd: () => void = () => undefined;

  async add(req: TicketRequest): Promise<AddedTicket> {
    this.duringAdd();
    if (this.addError !== null) throw this.addError;
    this.added.push(req);
    return { ticket: `ticket-${this.added.length}`, createTime: 0 };
  }
  async remove(owner: { sessionId: string }, ticket: string): Promise<void> {
    if (ticket === "boom") throw new Error("store broke");
    if (ticket !== "ticket-1" || owner.sessionId === "") throw fail(MatchmakerErr.ticketNotFound);
  }
  removeSession(sessionId: string): void {
    this.removedSessions.push(sessionId);
  }
}

async function send(core: RealtimeCore, mm: SoloMatchmaker | undefined, h: SessionHandle, env: Init<rt.Envelope>): Promise<void> {
  const frame = h.format === "json" ? Buffer.from(JSON.stringify(env)) : Buffer.from(encodeBinary(rt.Envelope, env));
  await processFrame(core, matchmakerHandlers(() => mm), h, frame, silentLogger());
  await turn();
}

const add = (x: Partial<rt.MatchmakerAdd> & Record<string, unknown>) => ({ cid: "1", matchmaker_add: { min_count: 2, max_count: 2, ...x } });

test("count checks answer BAD_INPUT with Nakama's texts, in its order, and add nothing", async () => {
  const core = testCore();
  const mm = new FakeMatchmaker();
  const { h, wire } = testSession(core, U1);
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ min_count: 1, max_count: 0, count_multiple: 0 }, "Invalid minimum count, must be >= 2"],
    [{ min_count: 3, max_count: 2 }, "Invalid maximum count, must be >= minimum count"],
    [{ count_multiple: 0 }, "Invalid count multiple, must be >= 1"],
    [{ min_count: 3, max_count: 6, count_multiple: 2 }, "Invalid count multiple for minimum count, must divide"],
    [{ min_count: 2, max_count: 5, count_multiple: 2 }, "Invalid count multiple for maximum count, must divide"],
  ];
  for (const [x] of cases) await send(core, mm, h, add(x));
  assert.deepEqual(wire.envelopes().map((e) => [e.error?.code, e.error?.message]), cases.map(([, m]) => [3, m]));
  assert.equal(mm.added.length, 0);
  assert.equal(wire.closedWith, null);
});

test("a valid add: the session's presence, '*' for an empty query, multiple 1 by default; the ticket comes back", async () => {
  const core = testCore();
  const mm = new FakeMatchmaker();
  const { h, wire } = testSession(core, U1, "protobuf", "alice");
  await send(core, mm, h, add({ query: "", min_count: 2, max_count: 4, string_properties: { mode: "x" }, numeric_properties: { skill: 3 } }));
  assert.deepEqual(wire.envelopes(), [{ cid: "1", matchmaker_ticket: { ticket: "ticket-1" } }]);
  assert.deepEqual(mm.added, [{
    sessionId: h.id, partyId: "", presences: [{ userId: U1, sessionId: h.id, username: "alice", node: "node1" }],
    query: "*", minCount: 2, maxCount: 4, countMultiple: 1, stringProperties: { mode: "x" }, numericProperties: { skill: 3 },
  }]);
});

test("any failure of the add is RUNTIME_EXCEPTION 'Error adding to matchmaker' (no code on the wire); no matchmaker too", async () => {
  const core = testCore();
  const mm = new FakeMatchmaker();
  const { h, wire } = testSession(core, U1);
  for (const err of [fail(MatchmakerErr.tooManyTickets), new GameError(Code.INVALID_ARGUMENT, "matchmaker query invalid: x")]) {
    mm.addError = err;
    await send(core, mm, h, add({}));
  }
  await send(core, undefined, h, add({}));
  assert.deepEqual(wire.envelopes().map((e) => [e.cid, e.error?.code, e.error?.message]), Array(3).fill(["1", 0, "Error adding to matchmaker"]));
  assert.ok(wire.sent.every((m) => !String(Buffer.from(m.data as Uint8Array)).includes('"code"')));
  assert.equal(wire.closedWith, null);
});

test("a session that ended while its add was on its way has its tickets removed again", async () => {
  const core = testCore();
  const mm = new FakeMatchmaker();
  const { h } = testSession(core, U1);
  mm.duringAdd = () => core.end(h);
  await send(core, mm, h, add({}));
  assert.deepEqual(mm.removedSessions, [h.id]);
});

test("remove: empty ticket, unknown ticket, store failure, success", async () => {
  const core = testCore();
  const mm = new FakeMatchmaker();
  const { h, wire } = testSession(core, U1);
  for (const ticket of ["", "nope", "boom", "ticket-1"]) await send(core, mm, h, { cid: "2", matchmaker_remove: { ticket } });
  await send(core, undefined, h, { cid: "2", matchmaker_remove: { ticket: "ticket-1" } });
  assert.deepEqual(wire.envelopes().map((e) => (e.error === undefined ? "ok" : [e.error.code, e.error.message])), [
    [3, "Invalid matchmaker ticket"],
    [3, "Matchmaker ticket not found"],
    [0, "Error removing matchmaker ticket"],
    "ok",
    [3, "Matchmaker ticket not found"],
  ]);
});
