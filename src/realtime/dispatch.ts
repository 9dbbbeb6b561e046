// Owns the way every inbound frame is handled: decode (JSON with Nakama's strict rules, or protobuf),
// pick the handler from the one dispatch table keyed by envelope case, run it through the one hook
// pipeline under its Nakama realtime name (ChannelJoin, MatchDataSend…), and answer with the request's
// cid. Adding a realtime message is adding one entry to a HandlerTable.
//
// Nakama's rules kept here: a payload that does not parse closes the session ("received malformed
// payload"); an envelope with no message gets MISSING_PAYLOAD and is closed; a message with no handler
// gets UNRECOGNIZED_PAYLOAD and is closed; a before hook that returns nothing answers UNRECOGNIZED_PAYLOAD
// "Requested resource was not found." and closes; a before hook that throws answers
// RUNTIME_FUNCTION_EXCEPTION and the session stays open; after hooks run only on success.
// Hooks see and return the decoded envelope (rt.Envelope); `rpc` has no realtime hooks (as Nakama).
import { GameError, E } from "../errors.js";
import type { Logger } from "../log.js";
import { decodeBinary, envelopeCase, fromJson, rt, type Init } from "../../proto/index.js";
import { runPipeline, type CallContext } from "../pipeline/hooks.js";
import type { RealtimeCore } from "./core.js";
import { decodeMatchDataSend, decodeMatchDataSendJson } from "./fast-decode.js";
import { Outgoing } from "./outgoing.js";
import { CloseCode, type SessionHandle } from "./session.js";
import { RtCode, errorEnvelope } from "./wire.js";

export interface HandlerContext {
  readonly session: SessionHandle;
  readonly core: RealtimeCore;
  readonly log: Logger;
}

/** What a handler decided; the dispatcher writes it (with the request's cid where it belongs). */
export type Answer =
  | { readonly kind: "reply"; readonly envelope: Init<rt.Envelope> }
  | { readonly kind: "none" }
  | { readonly kind: "error"; readonly code: number; readonly message: string; readonly withCid: boolean; readonly close: boolean };

export interface Handler {
  run(c: HandlerContext, env: rt.Envelope): Answer | Promise<Answer>;
  /** False for messages Nakama runs no realtime hooks on (rpc). Default true. */
  readonly hooks?: boolean;
}

export type HandlerTable = Partial<Record<rt.EnvelopeMessageCase, Handler>>;

export const NONE: Answer = Object.freeze({ kind: "none" });
/** The empty reply `{"cid":"N"}` (or `{}` without a cid). */
export const EMPTY: Answer = Object.freeze({ kind: "reply", envelope: Object.freeze({}) });

export function reply(envelope: Init<rt.Envelope>): Answer {
  return { kind: "reply", envelope };
}

export function rtError(code: number, message: string, opts: { withCid?: boolean; close?: boolean } = {}): Answer {
  return { kind: "error", code, message, withCid: opts.withCid ?? true, close: opts.close ?? false };
}

const pascal = (kase: string): string => kase.split("_").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
const HOOK_NAMES: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(rt.Envelope.oneofs.message.map((k) => [k, pascal(k)])),
);

/** Nakama's realtime message name of an envelope case: match_data_send → MatchDataSend. */
export function hookName(kase: string): string {
  return HOOK_NAMES[kase] ?? pascal(kase);
}

/**
 * The runtime context of a session (hooks and RPCs), built once and kept on the session: its identity is
 * fixed at upgrade, so the context derived from it never changes. Deep-frozen because every hook and RPC of
 * the session shares it (engines key their own per-VM caches on its identity).
 */
export function callContext(s: SessionHandle): CallContext {
  const built = s.callContext;
  if (built) return built; // (sessions faked in tests may lack the field)
  const id = s.identity;
  const headers: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(id.headers)) headers[k] = Object.freeze([v]) as string[];
  const queryParams: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(id.rawQuery)) (queryParams[k] ??= []).push(v);
  for (const v of Object.values(queryParams)) Object.freeze(v);
  s.callContext = Object.freeze({
    userId: id.userId, username: id.username, vars: Object.freeze({ ...id.vars }), expiry: id.expiry, sessionId: id.id,
    clientIp: id.clientIp, clientPort: id.clientPort, lang: id.lang, headers: Object.freeze(headers), queryParams: Object.freeze(queryParams),
  });
  return s.callContext;
}

function decode(s: SessionHandle, frame: Buffer): rt.Envelope | null {
  try {
    if (s.format === "json") return decodeMatchDataSendJson(frame) ?? fromJson(rt.Envelope, frame, { unknown: "error" });
    return decodeMatchDataSend(frame) ?? decodeBinary(rt.Envelope, frame);
  } catch {
    return null;
  }
}

/** Writes a handler's answer to the requesting session. */
export function deliver(s: SessionHandle, cid: string, a: Answer): void {
  if (a.kind === "none") return;
  if (a.kind === "reply") {
    s.send(new Outgoing(cid === "" ? a.envelope : { ...a.envelope, cid }));
    return;
  }
  s.send(new Outgoing(errorEnvelope(a.withCid ? cid : "", a.code, a.message)));
  if (a.close) s.close(CloseCode.NORMAL, "error processing message");
}

/** Handles one inbound frame of a session. Returns a promise while an asynchronous handler runs. */
export function processFrame(core: RealtimeCore, table: HandlerTable, s: SessionHandle, frame: Buffer, log: Logger): void | Promise<void> {
  const env = decode(s, frame);
  if (env === null) {
    log.debug({ sid: s.id }, "received malformed payload");
    s.close(CloseCode.NORMAL, "received malformed payload");
    return;
  }
  const kase = envelopeCase(env);
  if (kase === undefined) return deliver(s, env.cid, rtError(RtCode.MISSING_PAYLOAD, "Missing message.", { close: true }));
  const handler = table[kase];
  if (handler === undefined) return deliver(s, env.cid, rtError(RtCode.UNRECOGNIZED_PAYLOAD, "Unrecognized message.", { close: true }));
  const c: HandlerContext = { session: s, core, log };
  if (handler.hooks !== false) {
    const name = hookName(kase);
    const registry = core.deps.pipeline.hooks();
    if (registry.before(name) !== undefined || registry.after(name) !== undefined) return runHooked(c, handler, name, env);
  }
  let a: Answer | Promise<Answer>;
  try {
    a = handler.run(c, env);
  } catch (err) {
    return internal(c, env.cid, kase, err);
  }
  if (a instanceof Promise) return a.then((x) => deliver(s, env.cid, x), (err: unknown) => internal(c, env.cid, kase, err));
  deliver(s, env.cid, a);
}

function internal(c: HandlerContext, cid: string, what: string, err: unknown): void {
  c.log.error({ err, sid: c.session.id, message: what }, "realtime handler failed");
  deliver(c.session, cid, rtError(RtCode.RUNTIME_EXCEPTION, "Internal server error"));
}

/** A failed answer travels through runPipeline as this, so after hooks are skipped. */
class Failed extends Error {
  constructor(readonly answer: Answer) {
    super("failed");
  }
}

function isRejection(err: unknown): boolean {
  return err instanceof GameError && err.code === E.requestRejected[0] && err.message === E.requestRejected[1];
}

async function runHooked(c: HandlerContext, handler: Handler, name: string, env: rt.Envelope): Promise<void> {
  let entered = false;
  let answer: Answer | undefined;
  try {
    await runPipeline(c.core.deps.pipeline, name, callContext(c.session), env, async (req: rt.Envelope) => {
      entered = true;
      answer = await handler.run(c, req);
      if (answer.kind === "error") throw new Failed(answer);
      return answer.kind === "reply" ? { ...answer.envelope, cid: req.cid } : undefined;
    });
  } catch (err) {
    if (err instanceof Failed) return deliver(c.session, env.cid, err.answer);
    if (entered) return internal(c, env.cid, name, err);
    if (isRejection(err)) {
      c.log.warn({ sid: c.session.id, resource: name }, "intercepted a disabled resource");
      return deliver(c.session, env.cid, rtError(RtCode.UNRECOGNIZED_PAYLOAD, E.requestRejected[1], { close: true }));
    }
    const message = err instanceof Error ? err.message : String(err);
    return deliver(c.session, env.cid, rtError(RtCode.RUNTIME_FUNCTION_EXCEPTION, message));
  }
  if (answer !== undefined) deliver(c.session, env.cid, answer);
}
