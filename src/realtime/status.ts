// Owns status follows: which sessions follow which users, and delivering `status_presence_event`
// (the joins/leaves of a user's status stream) to that user's followers, encoded once. Online-ness is
// read from the tracker: a user is online while one of their sessions is on their status stream.
import { Outgoing } from "./outgoing.js";
import type { SessionHandle } from "./session.js";
import { StreamMode, streamId, type Presence, type Tracker } from "./tracker.js";
import { wirePresence } from "./wire.js";

export class StatusRegistry {
  /** Session id → user ids it follows. */
  private readonly bySession = new Map<string, Set<string>>();
  /** User id → sessions following them. */
  private readonly byUser = new Map<string, Map<string, SessionHandle>>();

  constructor(private readonly tracker: Tracker) {}

  follow(session: SessionHandle, userIds: Iterable<string>): void {
    let mine = this.bySession.get(session.id);
    for (const userId of userIds) {
      if (mine === undefined) this.bySession.set(session.id, (mine = new Set()));
      if (mine.has(userId)) continue;
      mine.add(userId);
      let followers = this.byUser.get(userId);
      if (followers === undefined) this.byUser.set(userId, (followers = new Map()));
      followers.set(session.id, session);
    }
  }

  unfollow(sessionId: string, userIds: Iterable<string>): void {
    const mine = this.bySession.get(sessionId);
    if (mine === undefined) return;
    for (const userId of userIds) {
      if (!mine.delete(userId)) continue;
      this.dropFollower(userId, sessionId);
    }
    if (mine.size === 0) this.bySession.delete(sessionId);
  }

  unfollowAll(sessionId: string): void {
    const mine = this.bySession.get(sessionId);
    if (mine === undefined) return;
    for (const userId of mine) this.dropFollower(userId, sessionId);
    this.bySession.delete(sessionId);
  }

  private dropFollower(userId: string, sessionId: string): void {
    const followers = this.byUser.get(userId);
    if (followers === undefined) return;
    followers.delete(sessionId);
    if (followers.size === 0) this.byUser.delete(userId);
  }

  /** True while one of the user's sessions is on their status stream. */
  isOnline(userId: string): boolean {
    return this.tracker.streamExists(streamId(StreamMode.STATUS, userId));
  }

  /** Visible status presences of a user (for the `status` reply of status_follow). */
  presences(userId: string): Presence[] {
    return this.tracker.list(streamId(StreamMode.STATUS, userId), false, true);
  }

  /** Sends one status event about `userId` to each of their followers. */
  deliver(userId: string, joins: readonly Presence[], leaves: readonly Presence[]): void {
    const followers = this.byUser.get(userId);
    if (followers === undefined) return;
    const out = new Outgoing({
      status_presence_event: { joins: joins.map(statusPresence), leaves: leaves.map(statusPresence) },
    });
    for (const s of followers.values()) s.send(out);
  }

  /** Number of sessions following anyone (for tests and metrics). */
  followingSessions(): number {
    return this.bySession.size;
  }
}

function statusPresence(p: Presence): ReturnType<typeof wirePresence> {
  return wirePresence(p, true);
}
