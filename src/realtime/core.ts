// Owns the shared realtime state of one server and the operations on it that are not tied to one
// request: the session registry, the tracker and its presence-event dispatch, status follows, the
// router (deliver an envelope, encoded once, to a stream or to users), notifications pushed live,
// session start (default presences, single_socket) and session end (untrack, unfollow, unregister).
import type { Init, api, rt } from "../../proto/index.js";
import { ByteSlab } from "../transport/index.js";
import { Outgoing } from "./outgoing.js";
import { PresenceEvents } from "./presence-events.js";
import type { RealtimeDeps } from "./ports.js";
import { CloseCode, Flusher, type SessionHandle } from "./session.js";
import { StatusRegistry } from "./status.js";
import { StreamMode, Tracker, streamId, type StreamId } from "./tracker.js";
import { newId } from "./ids.js";

/** Why a user's sockets are closed from the outside (identity API, runtime). Only a ban is announced (−8). */
export type DisconnectReason = "deleted" | "banned" | "kicked";

const SERVER_DISCONNECT = "server-side session disconnect";

/** A system notification (negative code) pushed just before a server-side close, as Nakama does. */
function systemNotice(subject: string, code: number): Outgoing {
  const n: Init<api.Notification> = {
    id: newId(),
    subject,
    content: "{}",
    code,
    sender_id: "",
    create_time: new Date(Math.floor(Date.now() / 1000) * 1000),
    persistent: false,
  };
  return new Outgoing({ notifications: { notifications: [n] } });
}

export class RealtimeCore {
  readonly tracker: Tracker;
  readonly status: StatusRegistry;
  readonly events: PresenceEvents;
  readonly flusher = new Flusher();
  /** Memory for the relay's encoded messages (many small, short-lived buffers). */
  readonly slab = new ByteSlab();
  private readonly sessions = new Map<string, SessionHandle>();
  private readonly byUser = new Map<string, Map<string, SessionHandle>>();
  /** How queued presence events get dispatched (the realtime actor replaces this). */
  private scheduleEvents: () => void;
  private readonly startListeners: Array<(h: SessionHandle) => void> = [];
  private readonly endListeners: Array<(h: SessionHandle) => void> = [];
  /** Waiting for the last session to end (whenEmpty). */
  private readonly emptyWaiters: Array<() => void> = [];

  constructor(readonly deps: RealtimeDeps) {
    this.tracker = new Tracker(() => this.scheduleEvents());
    this.status = new StatusRegistry(this.tracker);
    this.events = new PresenceEvents(this.tracker, this.status);
    this.scheduleEvents = () => setImmediate(() => this.events.flush());
  }

  /** Routes "events queued" to a dispatcher (e.g. an actor's mailbox) instead of setImmediate. */
  setEventScheduler(fn: () => void): void {
    this.scheduleEvents = fn;
  }

  /**
   * Calls `fn` for every session after it has started, or after it has ended (its presences already
   * gone): e.g. the matchmaker removing a session's tickets, runtime session events.
   */
  onSession(when: "start" | "end", fn: (h: SessionHandle) => void): void {
    (when === "start" ? this.startListeners : this.endListeners).push(fn);
  }

  private notifyListeners(list: ReadonlyArray<(h: SessionHandle) => void>, h: SessionHandle): void {
    for (const fn of list) {
      try {
        fn(h);
      } catch (err) {
        this.deps.log.error({ err, sid: h.id }, "session listener failed");
      }
    }
  }

  get settings(): RealtimeDeps["settings"] {
    return this.deps.settings;
  }

  // ---- session lifecycle ----------------------------------------------------------------------

  /**
   * Registers a new session: it follows its own user's status, gets its hidden notifications presence
   * (and, with `?status=true`, its status presence), then with session.single_socket every older
   * socket of the user is closed after a −7 "single_socket" notification.
   */
  start(h: SessionHandle, trackStatus: boolean): void {
    this.sessions.set(h.id, h);
    let mine = this.byUser.get(h.userId);
    if (mine === undefined) this.byUser.set(h.userId, (mine = new Map()));
    mine.set(h.id, h);
    this.status.follow(h, [h.userId]);
    const ops = [{ stream: streamId(StreamMode.NOTIFICATIONS, h.userId), meta: { username: h.username, hidden: true, persistence: false, status: "" } }];
    if (trackStatus) ops.push({ stream: streamId(StreamMode.STATUS, h.userId), meta: { username: h.username, hidden: false, persistence: false, status: "" } });
    this.tracker.trackMulti(h, ops);
    if (this.settings.singleSocket) {
      for (const other of [...mine.values()]) {
        if (other !== h) other.close(CloseCode.NORMAL, SERVER_DISCONNECT, [systemNotice("single_socket", -7)]);
      }
    }
    this.notifyListeners(this.startListeners, h);
  }

  /** Cleans up after a session (idempotent): its presences, follows and registry entries go. */
  end(h: SessionHandle): void {
    if (h.ended) return;
    h.ended = true;
    h.detach();
    this.tracker.untrackAll(h.id);
    this.status.unfollowAll(h.id);
    this.sessions.delete(h.id);
    const mine = this.byUser.get(h.userId);
    if (mine !== undefined) {
      mine.delete(h.id);
      if (mine.size === 0) this.byUser.delete(h.userId);
    }
    this.notifyListeners(this.endListeners, h);
    if (this.sessions.size === 0) for (const resolve of this.emptyWaiters.splice(0)) resolve();
  }

  /** Resolves once no session is registered: every session has ended and its end listeners have run. */
  whenEmpty(): Promise<void> {
    if (this.sessions.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.emptyWaiters.push(resolve));
  }

  session(id: string): SessionHandle | undefined {
    return this.sessions.get(id);
  }

  sessionsOfUser(userId: string): SessionHandle[] {
    return [...(this.byUser.get(userId)?.values() ?? [])];
  }

  sessionCount(): number {
    return this.sessions.size;
  }

  allSessions(): SessionHandle[] {
    return [...this.sessions.values()];
  }

  // ---- routing --------------------------------------------------------------------------------

  /** Sends one envelope (encoded once per format) to every session on a stream. Returns recipients. */
  sendToStream(id: StreamId, envelope: Init<rt.Envelope>): number {
    const stream = this.tracker.stream(id);
    if (stream === undefined) return 0;
    const out = new Outgoing(envelope);
    for (const p of stream.members.values()) p.session.send(out);
    return stream.members.size;
  }

  /** Pushes `notifications` live to every connected session of each user (their notification streams). */
  notify(userIds: Iterable<string>, notifications: readonly Init<api.Notification>[]): void {
    if (notifications.length === 0) return;
    const out = new Outgoing({ notifications: { notifications } });
    for (const userId of new Set(userIds)) {
      const stream = this.tracker.stream(streamId(StreamMode.NOTIFICATIONS, userId));
      if (stream !== undefined) for (const p of stream.members.values()) p.session.send(out);
    }
  }

  /** Pushes `notifications` live to every connected session (a send-to-all). */
  notifyAll(notifications: readonly Init<api.Notification>[]): void {
    if (notifications.length === 0) return;
    const out = new Outgoing({ notifications: { notifications } });
    for (const h of this.sessions.values()) h.send(out);
  }

  isOnline(userId: string): boolean {
    return this.status.isOnline(userId);
  }

  /** Closes every socket of a user: after a −8 "banned" notification for a ban. */
  disconnectUser(userId: string, reason: DisconnectReason): void {
    for (const h of this.sessionsOfUser(userId)) {
      h.close(CloseCode.NORMAL, SERVER_DISCONNECT, reason === "banned" ? [systemNotice("banned", -8)] : []);
    }
  }

  /** Closes one session (runtime sessionDisconnect); false when it is not connected here. */
  disconnectSession(sessionId: string): boolean {
    const h = this.sessions.get(sessionId);
    if (h === undefined) return false;
    h.close(CloseCode.NORMAL, SERVER_DISCONNECT);
    return true;
  }

  /** Closes every session (server stopping). */
  closeAll(code: number, reason: string): void {
    for (const h of this.allSessions()) h.close(code, reason);
  }
}
