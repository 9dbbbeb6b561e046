// Owns the session family: N partition supervisors under the "sessions" family (a session goes to
// the partition its id hashes to, so no supervisor holds every socket), the WebSocket hooks that
// create a session handle and spawn its actor when a socket opens, and the teardown when it closes.
import { spawn, stop, supervisor, tell, type ActorRef, type Supervisor } from "../kernel/index.js";
import type { WsConn, WsHooks } from "../../src/transport/index.js";
import type { SessionService } from "../../src/session/service.js";
import { SessionHandle, checkUpgrade, newId, type ConnData, type SessionIdentity } from "../../src/realtime/index.js";
import { sessionSpec, type SessionRuntime } from "./session.actor.js";
import { INBOUND, type SessionMsg } from "./session.messages.js";

export class SessionFamily {
  private readonly parts: Supervisor[];
  private readonly actors = new WeakMap<SessionHandle, ActorRef<SessionMsg>>();

  constructor(
    parent: Supervisor,
    partitions: number,
    private readonly rt: SessionRuntime,
  ) {
    this.parts = Array.from({ length: Math.max(1, partitions) }, (_, i) =>
      supervisor(parent, { name: `sessions-${i}`, strategy: "one-for-one", maxRestarts: 10, withinMs: 10_000 }),
    );
  }

  /** Spawns the actor of a new session and connects the handle's wake-up to its mailbox. */
  spawn(h: SessionHandle): ActorRef<SessionMsg> {
    const part = this.parts[Number.parseInt(h.id.slice(0, 8), 16) % this.parts.length];
    const ref = spawn(part, sessionSpec(this.rt, h));
    this.actors.set(h, ref);
    h.wake = () => tell(ref, INBOUND);
    return ref;
  }

  /** Ends a session whose socket closed: cleanup now, then the actor stops. */
  ended(h: SessionHandle): void {
    this.rt.core.end(h);
    const ref = this.actors.get(h);
    if (ref === undefined) return;
    this.actors.delete(h);
    stop(ref).catch((err: unknown) => this.rt.log.error({ err, sid: h.id }, "session actor did not stop cleanly"));
  }

  /** The transport hooks of the /ws endpoint. */
  hooks(sessions: SessionService): WsHooks<ConnData> {
    const core = this.rt.core;
    const log = this.rt.log;
    const limits = {
      outgoingQueueSize: core.settings.outgoingQueueSize,
      writeWaitMs: core.settings.writeWaitMs,
      maxInboundPerSec: core.settings.maxInboundPerSec,
      maxInboxFrames: core.settings.maxInboxFrames,
    };
    return {
      upgrade: (req) => Promise.resolve(checkUpgrade(sessions, req)),
      open: (conn: WsConn<ConnData>) => {
        const d = conn.data;
        const h = new SessionHandle(identityOf(d, conn.remoteAddress), conn, limits, core.flusher);
        d.handle = h;
        this.spawn(h);
        core.start(h, d.status);
        log.debug({ sid: h.id, uid: h.userId, format: h.format }, "new websocket session connected");
      },
      message: (conn, data, isBinary) => {
        conn.data.handle?.receive(data, isBinary);
      },
      drain: (conn) => conn.data.handle?.drained(),
      pong: (conn) => conn.data.handle?.notePong(),
      close: (conn, code, reason) => {
        const h = conn.data.handle;
        if (h === null) return;
        if (h.failure !== null) log.warn({ sid: h.id, uid: h.userId, reason: h.failure }, "closed client connection");
        else log.debug({ sid: h.id, uid: h.userId, code, reason }, "closed client connection");
        this.ended(h);
      },
    };
  }
}

function identityOf(d: ConnData, remoteAddress: string): SessionIdentity {
  return {
    id: newId(),
    userId: d.auth.userId,
    username: d.auth.username,
    vars: d.auth.vars,
    expiry: d.auth.expiresAt,
    format: d.format,
    lang: d.lang,
    clientIp: remoteAddress,
    clientPort: "",
    headers: d.headers,
    rawQuery: d.rawQuery,
  };
}
