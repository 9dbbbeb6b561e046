// Owns the realtime service of a server: builds the shared realtime state (tracker, router, status,
// registry), spawns the presence actor under the "realtime" family and the session partitions under
// the "sessions" family, and exposes what the rest of Troupe uses: the /ws hooks for the transport,
// isOnline for the identity API, live notifications, disconnecting a user, and the dispatch table
// other realtime features (chat, parties, matchmaker) add their envelope cases to.
import { stop, stopChildren, type Supervisor } from "../kernel/index.js";
import type { System } from "../system.js";
import type { Init, api } from "../../proto/index.js";
import type { WsHooks } from "../../src/transport/index.js";
import {
  CloseCode, RealtimeCore, defaultHandlers,
  type ConnData, type DisconnectReason, type HandlerTable, type RealtimeDeps,
} from "../../src/realtime/index.js";
import { SessionFamily } from "../session/sessions.js";
import { spawnPresenceActor } from "./realtime.actor.js";

const SHUTTING_DOWN = "server shutting down";

export interface Realtime {
  readonly core: RealtimeCore;
  /** Hooks of the /ws endpoint, for startTransport. */
  readonly ws: WsHooks<ConnData>;
  /** Adds or replaces handlers: one entry per envelope case (chat, parties, matchmaker…). */
  addHandlers(table: HandlerTable): void;
  isOnline(userId: string): boolean;
  /** Pushes a `notifications` envelope to every connected session of these users. */
  notify(userIds: Iterable<string>, notifications: readonly Init<api.Notification>[]): void;
  /** Pushes a `notifications` envelope to every connected session. */
  notifyAll(notifications: readonly Init<api.Notification>[]): void;
  /** Closes the user's sockets (account deleted, kicked, or banned: after a −8 notification). */
  disconnectUser(userId: string, reason: DisconnectReason): void;
  /** Closes one session; false when no such session is connected. */
  disconnectSession(sessionId: string): boolean;
  /**
   * Closes every socket and resolves once every session has ended and its end listeners (runtime session
   * end events, matchmaker clean-up) have run: shutdown does this before the runtime stops.
   */
  closeSessions(): Promise<void>;
  /** Closes every socket and stops the realtime actors. */
  stop(): Promise<void>;
}

export interface RealtimeOptions {
  /** Session partition supervisors (default 8). */
  partitions?: number;
}

/** Supervisors of the two families, created under the root (or given, in tests). */
export interface RealtimeFamilies {
  realtime: Supervisor;
  sessions: Supervisor;
}

export function startRealtime(
  where: System | RealtimeFamilies,
  deps: RealtimeDeps,
  opts: RealtimeOptions = {},
): Realtime {
  const families: RealtimeFamilies =
    "family" in where ? { realtime: where.family("tracker"), sessions: where.family("sessions") } : where;
  const core = new RealtimeCore(deps);
  const table: HandlerTable = defaultHandlers();
  const presence = spawnPresenceActor(families.realtime, core);
  const sessionFamily = new SessionFamily(families.sessions, opts.partitions ?? 8, {
    core,
    table,
    log: deps.log,
  });
  let stopping: Promise<void> | null = null;
  return {
    core,
    ws: sessionFamily.hooks(deps.sessions),
    addHandlers: (more) => void Object.assign(table, more),
    isOnline: (userId) => core.isOnline(userId),
    notify: (userIds, notifications) => core.notify(userIds, notifications),
    notifyAll: (notifications) => core.notifyAll(notifications),
    disconnectUser: (userId, reason) => core.disconnectUser(userId, reason),
    disconnectSession: (sessionId) => core.disconnectSession(sessionId),
    closeSessions: () => {
      core.closeAll(CloseCode.GOING_AWAY, SHUTTING_DOWN);
      return core.whenEmpty();
    },
    stop: () =>
      (stopping ??= (async () => {
        core.closeAll(CloseCode.GOING_AWAY, SHUTTING_DOWN);
        await stopChildren(families.sessions);
        await stop(presence);
      })()),
  };
}
