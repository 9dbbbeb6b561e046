// Owns the party envelopes of the socket (pipeline_party): party_create, party_join, party_leave,
// party_promote, party_accept, party_remove, party_close, party_join_request_list, party_data_send,
// party_update, party_matchmaker_add and party_matchmaker_remove, with Nakama's validation order and
// texts: "Invalid party ID", "Invalid presence", and each operation's failure as BAD_INPUT
// "<what failed>: <party error>" (e.g. "Error joining party: party full").
import type { Init, rt } from "../../../proto/index.js";
import { checkTicketCounts, MatchmakerWire } from "../../matchmaker/index.js";
import { EMPTY, reply, rtError, type Answer, type HandlerContext, type HandlerTable } from "../dispatch.js";
import { Outgoing } from "../outgoing.js";
import { RtCode } from "../wire.js";
import { PARTY_MODES, type Party, type PresenceRef } from "./party.js";
import type { PartyRegistry } from "./registry.js";

const LABEL_MAX_BYTES = 2048;
const badInput = (message: string): Answer => rtError(RtCode.BAD_INPUT, message);
const BAD_ID = badInput("Invalid party ID");
const BAD_PRESENCE = badInput("Invalid presence");

/** The party an envelope names, or its error answer (`what` prefixes registry errors). */
function partyOf(reg: PartyRegistry, partyId: string, what: string): Party | Answer {
  const p = reg.find(partyId);
  if (p === null) return BAD_ID;
  if (typeof p === "string") return badInput(`${what}: ${p}`);
  return p;
}

function presenceOf(p: rt.UserPresence | undefined): PresenceRef | null {
  if (p === undefined || p.user_id === "" || p.session_id === "" || p.username === "") return null;
  return { user_id: p.user_id, session_id: p.session_id, username: p.username };
}

/** A label problem (Troupe's texts: Nakama's party label checks are not in our reference), or null. */
function labelProblem(label: string): string | null {
  if (label === "") return null;
  if (Buffer.byteLength(label, "utf8") > LABEL_MAX_BYTES) return "Invalid party label, must be 0-2048 bytes";
  let v: unknown;
  try {
    v = JSON.parse(label);
  } catch {
    v = undefined;
  }
  return typeof v === "object" && v !== null && !Array.isArray(v) ? null : "Invalid party label, must be a JSON object";
}

const done = (err: string | null, what: string): Answer => (err === null ? EMPTY : badInput(`${what}: ${err}`));

function partyCreate(reg: PartyRegistry, c: HandlerContext, env: rt.Envelope): Answer {
  const msg = env.party_create as rt.PartyCreate;
  if (msg.max_size < 0 || msg.max_size > 256) return badInput("Invalid party max size, must be 1-256");
  const problem = labelProblem(msg.label);
  if (problem !== null) return badInput(problem);
  const s = c.session;
  const p = reg.create(s, msg.open, msg.max_size, msg.label, msg.hidden);
  if (!c.core.tracker.track(s, p.stream, reg.meta(s)).ok) {
    p.stop();
    return rtError(RtCode.RUNTIME_EXCEPTION, "Error tracking party creation");
  }
  if (reg.singleParty) c.core.tracker.untrackByModes(s.id, PARTY_MODES, p.streamKey);
  return reply({ party: reg.created(p) });
}

function partyJoin(reg: PartyRegistry, c: HandlerContext, env: rt.Envelope): Answer {
  const p = partyOf(reg, (env.party_join as rt.PartyJoin).party_id, "Error joining party");
  if ("kind" in p) return p;
  const s = c.session;
  const joined = p.joinRequest(s);
  if (typeof joined === "string") return badInput(`Error joining party: ${joined}`);
  if (joined) {
    if (!c.core.tracker.track(s, p.stream, reg.meta(s)).ok) {
      p.dropMember(s.id);
      return rtError(RtCode.RUNTIME_EXCEPTION, "Error tracking party join");
    }
    if (reg.singleParty) c.core.tracker.untrackByModes(s.id, PARTY_MODES, p.streamKey);
  }
  return EMPTY;
}

function partyLeave(reg: PartyRegistry, c: HandlerContext, env: rt.Envelope): Answer {
  const p = reg.find((env.party_leave as rt.PartyLeave).party_id);
  if (p === null) return BAD_ID;
  // An unknown party has no stream to leave; the answer is the same.
  if (typeof p !== "string") c.core.tracker.untrack(c.session.id, p.stream);
  return EMPTY;
}

type WithPresence = { party_id: string; presence?: rt.UserPresence };

/** promote / accept / remove: presence first, then the party, then the operation. */
function onMember(reg: PartyRegistry, what: string, op: (p: Party, sid: string, who: PresenceRef) => string | null) {
  return (c: HandlerContext, msg: WithPresence): Answer => {
    const who = presenceOf(msg.presence);
    if (who === null) return BAD_PRESENCE;
    const p = partyOf(reg, msg.party_id, what);
    if ("kind" in p) return p;
    return done(op(p, c.session.id, who), what);
  };
}

function partyClose(reg: PartyRegistry, c: HandlerContext, env: rt.Envelope): Answer {
  const p = partyOf(reg, (env.party_close as rt.PartyClose).party_id, "Error closing party");
  if ("kind" in p) return p;
  return done(p.close(c.session.id), "Error closing party");
}

function joinRequestList(reg: PartyRegistry, c: HandlerContext, env: rt.Envelope): Answer {
  const msg = env.party_join_request_list as rt.PartyJoinRequestList;
  const what = "Error listing party join requests";
  const p = partyOf(reg, msg.party_id, what);
  if ("kind" in p) return p;
  const list = p.joinRequestList(c.session.id);
  if (typeof list === "string") return badInput(`${what}: ${list}`);
  return reply({ party_join_request: { party_id: msg.party_id, presences: list } });
}

function dataSend(reg: PartyRegistry, c: HandlerContext, env: rt.Envelope): Answer {
  const msg = env.party_data_send as rt.PartyDataSend;
  const p = partyOf(reg, msg.party_id, "Error sending party data");
  if ("kind" in p) return p;
  return done(p.dataSend(c.session.id, msg.op_code, msg.data), "Error sending party data");
}

function partyUpdate(reg: PartyRegistry, c: HandlerContext, env: rt.Envelope): Answer {
  const msg = env.party_update as rt.PartyUpdate;
  const what = "Error updating party";
  const p = partyOf(reg, msg.party_id, what);
  if ("kind" in p) return p;
  if (msg.hidden && msg.label !== "") return badInput("Party label cannot be set on a hidden party");
  const problem = labelProblem(msg.label);
  if (problem !== null) return badInput(problem);
  return done(p.update(c.session.id, msg.label, msg.open, msg.hidden), what);
}

async function matchmakerAdd(reg: PartyRegistry, c: HandlerContext, env: rt.Envelope): Promise<Answer> {
  const msg = env.party_matchmaker_add as rt.PartyMatchmakerAdd;
  const counts = checkTicketCounts(msg.min_count, msg.max_count, msg.count_multiple);
  if (counts !== null) return badInput(counts);
  const what = "Error adding party to matchmaker";
  const p = partyOf(reg, msg.party_id, what);
  if ("kind" in p) return p;
  const r = await p.matchmakerAdd(c.session.id, {
    query: msg.query === "" ? "*" : msg.query, minCount: msg.min_count, maxCount: msg.max_count, countMultiple: msg.count_multiple ?? 1,
    stringProperties: msg.string_properties, numericProperties: msg.numeric_properties,
  });
  if (typeof r === "string") return badInput(`${what}: ${r}`);
  const ticket: Init<rt.PartyMatchmakerTicket> = { party_id: msg.party_id, ticket: r.ticket.ticket };
  if (r.others.length > 0) {
    const out = new Outgoing({ party_matchmaker_ticket: ticket });
    for (const m of r.others) m.session.send(out);
  }
  return reply({ party_matchmaker_ticket: ticket });
}

async function matchmakerRemove(reg: PartyRegistry, c: HandlerContext, env: rt.Envelope): Promise<Answer> {
  const msg = env.party_matchmaker_remove as rt.PartyMatchmakerRemove;
  if (msg.ticket === "") return badInput(MatchmakerWire.invalidTicket);
  // Nakama words every failure here as a close failure.
  const p = partyOf(reg, msg.party_id, "Error closing party");
  if ("kind" in p) return p;
  return done(await p.matchmakerRemove(c.session.id, msg.ticket), "Error closing party");
}

/** The party entries of the dispatch table (hook names PartyCreate, PartyJoin, … PartyUpdate). */
export function partyHandlers(reg: PartyRegistry): HandlerTable {
  const promote = onMember(reg, "Error promoting new party leader", (p, sid, who) => p.promote(sid, who));
  const accept = onMember(reg, "Error accepting party join request", (p, sid, who) => p.accept(sid, who));
  const remove = onMember(reg, "Error removing party member or join request", (p, sid, who) => p.remove(sid, who));
  return {
    party_create: { run: (c, env) => partyCreate(reg, c, env) },
    party_join: { run: (c, env) => partyJoin(reg, c, env) },
    party_leave: { run: (c, env) => partyLeave(reg, c, env) },
    party_promote: { run: (c, env) => promote(c, env.party_promote as rt.PartyPromote) },
    party_accept: { run: (c, env) => accept(c, env.party_accept as rt.PartyAccept) },
    party_remove: { run: (c, env) => remove(c, env.party_remove as rt.PartyRemove) },
    party_close: { run: (c, env) => partyClose(reg, c, env) },
    party_join_request_list: { run: (c, env) => joinRequestList(reg, c, env) },
    party_data_send: { run: (c, env) => dataSend(reg, c, env) },
    party_update: { run: (c, env) => partyUpdate(reg, c, env) },
    party_matchmaker_add: { run: (c, env) => matchmakerAdd(reg, c, env) },
    party_matchmaker_remove: { run: (c, env) => matchmakerRemove(reg, c, env) },
  };
}
