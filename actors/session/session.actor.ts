// Owns the session actor: one per realtime socket, a temporary child of a session partition (its
// crash closes that socket with 1011 and nothing else). It handles the session's frames one at a time
// in arrival order — an asynchronous request (an RPC, a database lookup) holds the following frames
// back until it has answered, as Nakama's per-session read loop does — and owns the ping/pong timers.
import type { ActorContext, ActorSpec } from "../kernel/index.js";
import type { Logger } from "../../src/log.js";
import { CloseCode, processFrame, type HandlerTable, type RealtimeCore, type SessionHandle } from "../../src/realtime/index.js";
import { DEADLINE, TICK, type SessionMsg } from "./session.messages.js";

export interface SessionRuntime {
  readonly core: RealtimeCore;
  readonly table: HandlerTable;
  readonly log: Logger;
}

interface SessionState {
  readonly handle: SessionHandle;
  /** An asynchronous request is in flight; the inbox waits for it. */
  busy: boolean;
  deadlineArmed: boolean;
}

type Ctx = ActorContext<SessionMsg>;

function drain(rt: SessionRuntime, st: SessionState, ctx: Ctx): SessionState {
  const h = st.handle;
  while (!st.busy && h.open) {
    const frame = h.takeFrame();
    if (frame === undefined) {
      h.inboundScheduled = false;
      break;
    }
    const pending = processFrame(rt.core, rt.table, h, frame, rt.log);
    if (pending !== undefined) {
      st.busy = true;
      ctx.pipeToSelf(pending, (result) => ({ type: "continue", result }));
    }
  }
  return st;
}

function resumed(rt: SessionRuntime, st: SessionState, ctx: Ctx, msg: Extract<SessionMsg, { type: "continue" }>): SessionState {
  st.busy = false;
  if (!msg.result.ok) {
    rt.log.error({ err: msg.result.error, sid: st.handle.id }, "realtime request failed");
    st.handle.close(CloseCode.INTERNAL, "internal error");
    return st;
  }
  return drain(rt, st, ctx);
}

/** Closes after pong_wait_ms without a pong or a message; otherwise arms a check for that moment. */
function checkAlive(rt: SessionRuntime, st: SessionState, ctx: Ctx): boolean {
  const { pongWaitMs, pingPeriodMs } = rt.core.settings;
  const left = st.handle.lastSeen + pongWaitMs - performance.now();
  if (left <= 0) {
    st.handle.close(CloseCode.NORMAL, "pong timeout");
    return false;
  }
  if (left < pingPeriodMs && !st.deadlineArmed) {
    st.deadlineArmed = true;
    ctx.scheduleOnce(Math.ceil(left) + 1, DEADLINE);
  }
  return true;
}

function tick(rt: SessionRuntime, st: SessionState, ctx: Ctx): SessionState {
  const h = st.handle;
  if (!h.open || !checkAlive(rt, st, ctx)) return st;
  h.checkWriteWait();
  if (!h.open) return st;
  // Ping backoff: a client that sent enough messages this period has shown it is alive.
  if (h.receivedSinceTick < rt.core.settings.pingBackoffThreshold) h.wire.ping();
  h.receivedSinceTick = 0;
  return st;
}

export function sessionSpec(rt: SessionRuntime, handle: SessionHandle): ActorSpec<SessionMsg, SessionState> {
  return {
    name: handle.id,
    restart: "temporary",
    mailbox: { capacity: 64, overflow: "reject" },
    // A frame is handled right after the transport hands it over, and the frame an RPC held back right
    // after its answer, not one event-loop turn later each (the answers of a socket's pipelined requests
    // then leave in one flush).
    eager: true,
    init: (ctx) => {
      ctx.scheduleRepeat(rt.core.settings.pingPeriodMs, TICK);
      return { handle, busy: false, deadlineArmed: false };
    },
    handle: (st, msg, ctx) => {
      switch (msg.type) {
        case "inbound":
          return drain(rt, st, ctx);
        case "continue":
          return resumed(rt, st, ctx, msg);
        case "tick":
          return tick(rt, st, ctx);
        case "deadline":
          st.deadlineArmed = false;
          if (st.handle.open) checkAlive(rt, st, ctx);
          return st;
        case "close":
          st.handle.close(msg.code, msg.reason);
          return st;
      }
    },
    onStop: (st) => {
      // Still open here means the actor ended first (a crash): the socket goes with it.
      if (!st.handle.wire.closed) st.handle.close(CloseCode.INTERNAL, "internal error");
      rt.core.end(st.handle);
    },
  };
}
