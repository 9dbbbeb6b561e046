// Owns the socket handlers `matchmaker_add` and `matchmaker_remove`, with Nakama's checks, order and
// texts (pipeline_matchmaker.go): count checks answer BAD_INPUT with their text; any failure of the add
// itself (a bad query, too many tickets, matchmaker unavailable) answers RUNTIME_EXCEPTION "Error adding
// to matchmaker"; removal answers BAD_INPUT "Invalid matchmaker ticket" for an empty ticket, BAD_INPUT
// "Matchmaker ticket not found" for a ticket this session does not own, RUNTIME_EXCEPTION "Error
// removing matchmaker ticket" otherwise. No failure closes the session.
import { Code, GameError } from "../../errors.js";
import type { rt } from "../../../proto/index.js";
import {
  checkTicketCounts, MatchmakerWire, type AddedTicket, type TicketRequest,
} from "../../matchmaker/index.js";
import { EMPTY, reply, rtError, type Answer, type HandlerContext, type HandlerTable } from "../dispatch.js";
import { RtCode } from "../wire.js";

/** What the handlers need of the matchmaker (actors/matchmaker's MatchmakerHandle fits). */
export interface SoloMatchmaker {
  /** Rejects with the core's GameError. */
  add(req: TicketRequest): Promise<AddedTicket>;
  /** Rejects NOT_FOUND when `owner` holds no such ticket. */
  remove(owner: { sessionId: string }, ticket: string): Promise<void>;
  /** Drops every ticket a session is part of (no reply). */
  removeSession(sessionId: string): void;
}

const ADD_FAILED = rtError(RtCode.RUNTIME_EXCEPTION, MatchmakerWire.addFailed);
const NOT_FOUND = rtError(RtCode.BAD_INPUT, MatchmakerWire.ticketNotFound);
const REMOVE_FAILED = rtError(RtCode.RUNTIME_EXCEPTION, MatchmakerWire.removeFailed);
/** Refusals the client caused; logged below error level. */
const CLIENT_CODES: ReadonlySet<number> = new Set([Code.INVALID_ARGUMENT, Code.RESOURCE_EXHAUSTED]);

function ticketRequest(c: HandlerContext, msg: rt.MatchmakerAdd): TicketRequest {
  const s = c.session;
  return {
    sessionId: s.id,
    partyId: "",
    presences: [{ userId: s.userId, sessionId: s.id, username: s.username, node: c.core.settings.node }],
    query: msg.query === "" ? "*" : msg.query,
    minCount: msg.min_count,
    maxCount: msg.max_count,
    countMultiple: msg.count_multiple ?? 1,
    stringProperties: msg.string_properties,
    numericProperties: msg.numeric_properties,
  };
}

async function matchmakerAdd(mm: SoloMatchmaker | undefined, c: HandlerContext, env: rt.Envelope): Promise<Answer> {
  const msg = env.matchmaker_add as rt.MatchmakerAdd;
  const bad = checkTicketCounts(msg.min_count, msg.max_count, msg.count_multiple);
  if (bad !== null) return rtError(RtCode.BAD_INPUT, bad);
  const s = c.session;
  if (mm === undefined) {
    c.log.error({ sid: s.id }, "Error adding to matchmaker: matchmaker not available");
    return ADD_FAILED;
  }
  let added: AddedTicket;
  try {
    added = await mm.add(ticketRequest(c, msg));
  } catch (err) {
    const expected = err instanceof GameError && CLIENT_CODES.has(err.code);
    c.log[expected ? "debug" : "error"]({ err, sid: s.id }, "Error adding to matchmaker");
    return ADD_FAILED;
  }
  // Race: the session may have ended while the add was on its way (adds travel in a batch after the
  // current turn, so the end's removeSession can reach the matchmaker first). Remove again now.
  if (s.ended) mm.removeSession(s.id);
  return reply({ matchmaker_ticket: { ticket: added.ticket } });
}

async function matchmakerRemove(mm: SoloMatchmaker | undefined, c: HandlerContext, env: rt.Envelope): Promise<Answer> {
  const { ticket } = env.matchmaker_remove as rt.MatchmakerRemove;
  if (ticket === "") return rtError(RtCode.BAD_INPUT, MatchmakerWire.invalidTicket);
  if (mm === undefined) return NOT_FOUND; // no matchmaker, no tickets
  try {
    await mm.remove({ sessionId: c.session.id }, ticket);
  } catch (err) {
    if (err instanceof GameError && err.code === Code.NOT_FOUND) return NOT_FOUND;
    c.log.error({ err, sid: c.session.id }, "Error removing matchmaker ticket");
    return REMOVE_FAILED;
  }
  return EMPTY;
}

/** The dispatch-table entries of the matchmaker; `mm` is read on every request (absent until wired). */
export function matchmakerHandlers(mm: () => SoloMatchmaker | undefined): HandlerTable {
  return {
    matchmaker_add: { run: (c, env) => matchmakerAdd(mm(), c, env) },
    matchmaker_remove: { run: (c, env) => matchmakerRemove(mm(), c, env) },
  };
}
