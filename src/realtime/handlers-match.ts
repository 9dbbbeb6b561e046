// Owns the match handlers: relayed matches live entirely here (a match is a stream of mode 5 whose
// members relay data to each other), authoritative ones ("<uuid>.<node>") are routed to the
// AuthoritativeMatches port (absent: MATCH_NOT_FOUND). Errors and their texts are Nakama's.
//
// Hot path: match_data_send to an authoritative match remembers (per session, by the id text) the
// match stream it was a member of, so later messages skip the id parse and the tracker lookup while
// that stream lives; to a relayed match it looks the stream up once, encodes the outgoing match_data
// once per format and hands the same bytes to every recipient; the sender is never echoed, and `presences` narrows the
// recipients to the listed session ids. Data for unknown matches or from non-members is dropped
// silently, as Nakama does; only an unparseable match id gets an error (without cid).
import type { Init, rt } from "../../proto/index.js";
import { EMPTY, NONE, reply, rtError, type Answer, type HandlerContext, type HandlerTable } from "./dispatch.js";
import { NAMESPACE_DNS, newId, splitMatchId, toUuid, uuidV5, type MatchIdParts } from "./ids.js";
import { verifyMatchToken } from "./match-token.js";
import { relayedMatchData } from "./match-data.js";
import type { Outgoing } from "./outgoing.js";
import type { SessionHandle } from "./session.js";
import { StreamMode, streamId, streamKey, type PresenceMeta, type Stream, type StreamId } from "./tracker.js";
import { RtCode, selfPresence, wirePresence } from "./wire.js";

const MATCH_MODES: ReadonlySet<number> = new Set([StreamMode.MATCH_RELAYED, StreamMode.MATCH_AUTHORITATIVE]);
const NOT_FOUND = rtError(RtCode.MATCH_NOT_FOUND, "Match not found");
const BAD_ID = rtError(RtCode.BAD_INPUT, "Invalid match ID");
const BAD_ID_NO_CID = rtError(RtCode.BAD_INPUT, "Invalid match ID", { withCid: false });
const BAD_TOKEN = rtError(RtCode.BAD_INPUT, "Invalid match token");

function meta(s: SessionHandle): PresenceMeta {
  return { username: s.username, hidden: false, persistence: false, status: "" };
}

function matchStream(parts: MatchIdParts): StreamId {
  return parts.node === ""
    ? streamId(StreamMode.MATCH_RELAYED, parts.uuid)
    : streamId(StreamMode.MATCH_AUTHORITATIVE, parts.uuid, "", parts.node);
}

/** session.single_match: leaving every other match before entering this one. */
function leaveOthers(c: HandlerContext, stream: StreamId): void {
  if (c.core.settings.singleMatch) c.core.tracker.untrackByModes(c.session.id, MATCH_MODES, streamKey(stream));
}

function matchCreate(c: HandlerContext, env: rt.Envelope): Answer {
  const name = (env.match_create as rt.MatchCreate).name;
  const uuid = name === "" ? newId() : uuidV5(NAMESPACE_DNS, name);
  const stream = streamId(StreamMode.MATCH_RELAYED, uuid);
  const s = c.session;
  leaveOthers(c, stream);
  if (!c.core.tracker.track(s, stream, meta(s)).ok) return NONE; // the session is closing
  const others = c.core.tracker.list(stream, true, true).filter((p) => p.session !== s).map((p) => wirePresence(p));
  return reply({
    match: { match_id: `${uuid}.`, authoritative: false, size: others.length + 1, presences: others, self: selfPresence(s) },
  });
}

type Target = { idText: string; parts: MatchIdParts; allowEmpty: boolean } | Answer;

function joinTarget(c: HandlerContext, msg: rt.MatchJoin): Target {
  if (msg.match_id !== undefined) {
    const parts = splitMatchId(msg.match_id);
    return parts === null ? BAD_ID : { idText: msg.match_id, parts, allowEmpty: false };
  }
  if (msg.token !== undefined) {
    const mid = verifyMatchToken(c.core.settings.encryptionKey, msg.token, Math.floor(Date.now() / 1000));
    const parts = mid === null ? null : splitMatchId(mid);
    return mid === null || parts === null ? BAD_TOKEN : { idText: mid, parts, allowEmpty: true };
  }
  return rtError(RtCode.BAD_INPUT, "No match ID or token found");
}

function matchJoin(c: HandlerContext, env: rt.Envelope): Answer | Promise<Answer> {
  const msg = env.match_join as rt.MatchJoin;
  const t = joinTarget(c, msg);
  if ("kind" in t) return t;
  const stream = matchStream(t.parts);
  const tracker = c.core.tracker;
  if (t.parts.node === "") {
    if (!t.allowEmpty && !tracker.streamExists(stream)) return NOT_FOUND;
    return joined(c, t.idText, stream, undefined);
  }
  if (tracker.get(c.session.id, stream) !== undefined) return joined(c, t.idText, stream, undefined);
  const host = c.core.deps.authoritative?.();
  if (host === undefined) return NOT_FOUND;
  return host.join(t.parts.uuid, t.parts.node, c.session, msg.metadata).then((r) => {
    if (!r.found) return NOT_FOUND;
    if (!r.allow) return rtError(RtCode.MATCH_JOIN_REJECTED, r.reason === "" ? "Match join rejected" : r.reason);
    return joined(c, t.idText, stream, r.label);
  });
}

/** Tracks the join if new and answers with the match as Nakama does (self left out of a new join's list). */
function joined(c: HandlerContext, idText: string, stream: StreamId, label: string | undefined): Answer {
  const s = c.session;
  const tracker = c.core.tracker;
  let current = tracker.get(s.id, stream);
  const isNew = current === undefined;
  if (isNew) {
    leaveOthers(c, stream);
    if (!tracker.track(s, stream, meta(s)).ok) return NONE;
    current = tracker.get(s.id, stream);
  }
  const presences: Init<rt.UserPresence>[] = [];
  for (const p of tracker.list(stream, true, true)) if (!(isNew && p.session === s)) presences.push(wirePresence(p));
  const match: Init<rt.Match> = {
    match_id: idText,
    authoritative: stream.mode === StreamMode.MATCH_AUTHORITATIVE,
    size: presences.length,
    presences,
    self: selfPresence(s, current?.meta.username ?? s.username),
  };
  if (label !== undefined) match.label = label;
  return reply({ match });
}

function matchLeave(c: HandlerContext, env: rt.Envelope): Answer {
  const parts = splitMatchId((env.match_leave as rt.MatchLeave).match_id);
  if (parts === null) return BAD_ID;
  c.core.tracker.untrack(c.session.id, matchStream(parts));
  return EMPTY;
}

/** Session ids named by `presences`; null when one of them is not a valid presence (drop the message). */
function filterOf(presences: readonly rt.UserPresence[]): Set<string> | null {
  const ids = new Set<string>();
  for (const p of presences) {
    const sid = toUuid(p.session_id);
    if (sid === null || toUuid(p.user_id) === null) return null;
    ids.add(sid);
  }
  return ids;
}

/**
 * The relayed match stream `matchId` names, if any. The last one a session sent to is remembered on the
 * session (by the exact id text) while the tracker keeps that stream, so a session relaying to one match
 * skips the id parse and the stream lookup.
 */
function relayStream(c: HandlerContext, matchId: string, uuid: string): Stream | undefined {
  const stream = c.core.tracker.streamByKey(`${StreamMode.MATCH_RELAYED}.${uuid}..`);
  if (stream !== undefined) c.session.relayTarget = { matchId, stream };
  return stream;
}

function matchDataSend(c: HandlerContext, env: rt.Envelope): Answer {
  const msg = env.match_data_send as rt.MatchDataSend;
  const s = c.session;
  const cached = s.relayTarget;
  let stream: Stream | undefined;
  if (cached !== null && cached.matchId === msg.match_id && cached.stream.live) {
    stream = cached.stream;
  } else {
    // An authoritative match's member: its remembered stream, or the one the id names (then remembered).
    let target = s.matchTarget;
    if (target === null || target.matchId !== msg.match_id || !target.stream.live) {
      const parts = splitMatchId(msg.match_id);
      if (parts === null) return BAD_ID_NO_CID;
      if (parts.node === "") {
        target = null;
        stream = relayStream(c, msg.match_id, parts.uuid);
      } else {
        const match = c.core.tracker.stream(matchStream(parts));
        if (match === undefined || !match.members.has(s.id)) return NONE;
        target = s.matchTarget = { matchId: msg.match_id, stream: match, uuid: parts.uuid, node: parts.node };
      }
    }
    if (target !== null) {
      if (target.stream.members.has(s.id)) c.core.deps.authoritative?.()?.sendData(target.uuid, target.node, s, msg.op_code, msg.data, msg.reliable, Date.now());
      return NONE;
    }
  }
  const filter = msg.presences.length === 0 ? undefined : filterOf(msg.presences);
  if (filter === null) return NONE;
  if (stream === undefined || !stream.members.has(s.id)) return NONE;
  let out: Outgoing | undefined;
  for (const p of stream.members.values()) {
    const to = p.session;
    if (to === s || (filter !== undefined && !filter.has(to.id))) continue;
    out ??= relayedMatchData(c.core.slab, s, msg.match_id, msg.op_code, msg.data, msg.reliable);
    to.send(out);
  }
  return NONE;
}

export const matchHandlers: HandlerTable = Object.freeze({
  match_create: { run: matchCreate },
  match_join: { run: matchJoin },
  match_leave: { run: matchLeave },
  match_data_send: { run: matchDataSend },
});
