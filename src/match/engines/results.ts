// Owns reading what object-style match handlers (JS and native) return, with Nakama's error texts
// (runtime_javascript_match_core.go): matchInit → {state, tickRate, label}; matchJoinAttempt →
// {state, accept, rejectMessage?} or null; matchSignal → {state, data?} or null; the others → {state}
// or null. A null/undefined result or state means "no state" (the match ends), except for matchInit
// where it is an error. Also builds the contexts match handlers get.
import { ExecutionMode, systemContext, type ContextBase, type RuntimeContext } from "../../runtime/context.js";
import { MatchErr, matchError, validTickRate, type InitResult, type JoinAttemptOutcome, type JoinCaller, type SignalOutcome } from "../types.js";

/** A handler result with the state taken out: `nil` when the result or its state was null/undefined. */
export interface Shaped {
  readonly nil: boolean;
  /** The result's other top-level fields (accept, rejectMessage, data, tickRate, label). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The result itself was null/undefined (not just its state). */
  readonly none: boolean;
  /** The result was not an object. */
  readonly notObject: boolean;
}

export function initResult(r: Shaped): InitResult {
  if (r.none || r.notObject) throw matchError("matchInit is expected to return an object with 'state', 'tickRate' and 'label' properties");
  if (!("tickRate" in r.fields) || r.fields.tickRate === undefined) throw matchError("matchInit return value has no 'tickRate' property");
  const tickRate = validTickRate(r.fields.tickRate);
  if (tickRate === null || !Number.isInteger(r.fields.tickRate)) throw matchError(`matchInit 'tickRate' ${MatchErr.tickRate}`);
  const label = r.fields.label;
  if (label !== undefined && label !== null && typeof label !== "string") throw matchError("matchInit 'label' value must be a string");
  if (r.nil) throw matchError(MatchErr.initStateNil);
  return { tickRate, label: typeof label === "string" ? label : "" };
}

export function joinAttemptResult(r: Shaped): JoinAttemptOutcome {
  if (r.none) return { alive: false, accept: false, reason: "" };
  if (r.notObject) throw matchError("matchJoinAttempt is expected to return an object with 'state' and 'accept' properties");
  const accept = r.fields.accept;
  if (accept === undefined) throw matchError("matchJoinAttempt return value has an 'accept' property");
  if (typeof accept !== "boolean") throw matchError("matchJoinAttempt 'accept' property must be a boolean");
  const msg = r.fields.rejectMessage;
  if (!accept && msg !== undefined && msg !== null && typeof msg !== "string") throw matchError("matchJoinAttempt 'rejectMessage' property must be a string");
  if (r.nil) return { alive: false, accept: false, reason: "" };
  return { alive: true, accept, reason: !accept && typeof msg === "string" ? msg : "" };
}

export function stateResult(what: string, r: Shaped): boolean {
  if (r.none) return false;
  if (r.notObject) throw matchError(`${what} is expected to return an object with 'state' property`);
  return !r.nil;
}

export function signalResult(r: Shaped): SignalOutcome {
  if (r.none) return { alive: false, data: "" };
  if (r.notObject) throw matchError("matchSignal is expected to return an object with 'state' property");
  const data = r.fields.data;
  if (data !== undefined && data !== null && typeof data !== "string") throw matchError("matchSignal 'data' property must be a string");
  return { alive: !r.nil, data: typeof data === "string" ? data : "" };
}

/** Shapes a plain host value (native handlers). */
export function shapeValue(r: unknown): { shaped: Shaped; state: unknown } {
  if (r === null || r === undefined) return { shaped: { nil: true, none: true, notObject: false, fields: {} }, state: null };
  if (typeof r !== "object" || Array.isArray(r)) return { shaped: { nil: true, none: false, notObject: true, fields: {} }, state: null };
  const o = r as Record<string, unknown>;
  const state = o.state;
  return { shaped: { nil: state === null || state === undefined, none: false, notObject: false, fields: o }, state };
}

/** Who the match is (what every handler context carries). */
export interface MatchIdentity {
  readonly matchId: string;
  readonly node: string;
  readonly base: ContextBase;
}

/** The context of match callbacks: execution mode "match", the match id/node/label/tick rate. */
export function matchContext(m: MatchIdentity, label: string, tickRate: number): RuntimeContext {
  return systemContext(m.base, ExecutionMode.MATCH, { matchId: m.matchId, matchNode: m.node, matchLabel: label, matchTickRate: tickRate });
}

/** A join attempt's context: the match context plus the joining session's fields (as Nakama). */
export function joinContext(ctx: RuntimeContext, c: JoinCaller): RuntimeContext {
  return {
    ...ctx,
    userId: c.presence.userId,
    username: c.presence.username,
    vars: c.vars,
    userSessionExp: c.expiry,
    sessionId: c.presence.sessionId,
    lang: c.lang,
    clientIp: c.clientIp,
    clientPort: c.clientPort,
  };
}
