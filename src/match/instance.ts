// Owns one authoritative match's life, independent of actors and engines: the tick counter, members,
// join markers, the bounded input queue, and the rules that decide when a match ends. Its match actor
// (actors/match) calls one method at a time and stops itself once `ended` is true.
//
// Rules (Nakama's match_handler.go unless noted):
// - every handler call that returns no state ends the match; a handler error ends it too (logged with
//   the callback and tick). Nakama then disconnects the members' sockets; Troupe only ends the match
//   (see `end`), so other matches and chats of those clients are untouched;
// - deferred broadcasts go out after each callback that returned a state, and when the match ends;
// - an accepted join attempt answers the client, then adds the member and calls matchJoin; the
//   tracker's join event later confirms it (join marker), or a leave follows after
//   match.join_marker_deadline_ms (checked once per second of ticks);
// - match.max_empty_sec: that many consecutive seconds of ticks with no member end the match;
// - when a match ends, each member gets one `match_presence_event` listing every member in `leaves`
//   (itself included: Troupe's way to tell clients the match is over), the stream is dropped from the
//   tracker without further events, the listing forgets it and the VM is freed.
import { Code, GameError, toGameError } from "../errors.js";
import type { Logger } from "../log.js";
import { Outgoing, PresenceReason, type SessionHandle } from "../realtime/index.js";
import { ByteSlab } from "../transport/index.js";
import { MatchDispatcher, type DispatchOwner } from "./dispatcher.js";
import { InputQueue, JoinMarkers, PresenceList, type Member } from "./presences.js";
import type { MatchSettings } from "./settings.js";
import { MatchErr, type InitResult, type JoinCaller, type MatchCore, type MatchPresence } from "./types.js";

/** Where a match reaches the rest of the server. */
export interface MatchEnv {
  /** "<uuid>.<node>" */
  readonly id: string;
  readonly handlerName: string;
  readonly settings: MatchSettings;
  readonly log: Logger;
  /** The tracker forgets one session on this match's stream (kick). */
  untrack(sessionId: string): void;
  /** The tracker drops the whole stream without events (match end). */
  untrackAll(): void;
  /** Listing index: label or size changed. */
  indexChanged(label: string, size: number): void;
  /** The match ended: forget it (registry and listing). */
  ended(): void;
  /** Where broadcasts' bytes are written (the realtime core's); the match makes its own if absent. */
  readonly slab?: ByteSlab;
}

/** What a join attempt answers (the realtime layer's MatchJoinResult). */
export interface JoinAnswer {
  found: boolean;
  allow: boolean;
  reason: string;
  label: string;
}

export type EndReason = "nil state" | "error" | "empty" | "terminated" | "shutdown" | "stopped";

export class MatchInstance implements DispatchOwner {
  readonly presences = new PresenceList();
  readonly dispatch: MatchDispatcher;
  readonly input: InputQueue;
  readonly createTime = Date.now();
  private readonly markers = new JoinMarkers();
  private core: MatchCore | null = null;
  private tickCount = 0;
  private rate = 1;
  private labelText = "";
  private emptyTicks = 0;
  private isEnded = false;
  private closing: Promise<void> = Promise.resolve();
  private pendingKicks: Member[] = [];
  private ownSlab: ByteSlab | undefined;

  constructor(readonly env: MatchEnv) {
    this.dispatch = new MatchDispatcher(this);
    this.input = new InputQueue(env.settings.inputQueueSize);
  }

  // ---- DispatchOwner ---------------------------------------------------------------------------
  get id(): string {
    return this.env.id;
  }
  get node(): string {
    return this.env.settings.node;
  }
  get deferredLimit(): number {
    return this.env.settings.deferredQueueSize;
  }
  get ended(): boolean {
    return this.isEnded;
  }
  get slab(): ByteSlab {
    return (this.ownSlab ??= this.env.slab ?? new ByteSlab());
  }
  untrack(sessionId: string): void {
    this.env.untrack(sessionId);
  }
  kicked(members: readonly Member[]): void {
    this.pendingKicks.push(...members);
  }
  setLabel(label: string): void {
    this.labelText = label;
    this.core?.labelChanged(label);
    this.env.indexChanged(label, this.presences.size);
  }

  // ---- reads -----------------------------------------------------------------------------------
  get tick(): number {
    return this.tickCount;
  }
  get tickRate(): number {
    return this.rate;
  }
  get label(): string {
    return this.labelText;
  }
  get size(): number {
    return this.presences.size;
  }

  /** Starts running `core` after a successful matchInit. */
  start(core: MatchCore, init: InitResult): void {
    this.core = core;
    this.rate = init.tickRate;
    this.labelText = init.label;
    this.env.indexChanged(init.label, 0);
    this.env.log.info({ tick_rate: init.tickRate, handler: this.env.handlerName, runtime: core.engine }, "Match started");
  }

  /** A client's message for the next tick (synchronous: called on the realtime hot path). */
  enqueue(sender: SessionHandle, opCode: number, data: Uint8Array, reliable: boolean, receiveTimeMs: number): void {
    if (this.isEnded) return;
    const m = this.presences.get(sender.id);
    const presence: MatchPresence = m?.presence ?? { userId: sender.userId, sessionId: sender.id, username: sender.username, node: this.node, reason: 0 };
    this.input.push({ sender: presence, opCode, data, reliable, receiveTimeMs });
  }

  // ---- handler calls ---------------------------------------------------------------------------

  /** Runs `fn` against the core; ends the match on error or when `alive(result)` is false. */
  private async call<T>(what: string, fn: (core: MatchCore) => Promise<T>, alive: (r: T) => boolean): Promise<T | null> {
    const core = this.core;
    if (core === null || this.isEnded) return null;
    let r: T;
    try {
      r = await fn(core);
    } catch (err) {
      this.end("error", { err: toGameError(err, err instanceof Error ? err.message : String(err)), callback: what });
      return null;
    }
    if (!alive(r)) {
      this.end("nil state", { callback: what });
      return null;
    }
    this.dispatch.flushDeferred();
    await this.leaveKicked();
    return this.isEnded ? null : r;
  }

  private callState(what: string, fn: (core: MatchCore) => Promise<boolean>): Promise<boolean | null> {
    return this.call(what, fn, (alive) => alive);
  }

  /** Members removed by matchKick during the last callback get their matchLeave now. */
  private async leaveKicked(): Promise<void> {
    while (this.pendingKicks.length > 0 && !this.isEnded) {
      const kicked = this.pendingKicks;
      this.pendingKicks = [];
      const left = this.presences.leave(kicked.map((m) => ({ sessionId: m.presence.sessionId, reason: PresenceReason.LEAVE })));
      for (const p of left) this.markers.mark(p.sessionId);
      if (left.length === 0) continue;
      this.env.indexChanged(this.labelText, this.presences.size);
      await this.callState("match_leave", (c) => c.leave(this.tickCount, left));
    }
  }

  /** One tick: drain the input into matchLoop, then the join-marker and empty-match checks. */
  async loop(): Promise<void> {
    if (this.isEnded || this.core === null) return;
    const messages = this.input.drain();
    const dropped = this.input.takeDropped();
    if (dropped > 0) this.env.log.warn({ dropped, tick: this.tickCount }, "Match handler data processing too slow, dropping data messages");
    if ((await this.callState("match_loop", (c) => c.loop(this.tickCount, messages))) === null) return;
    if (this.markers.size > 0 && this.tickCount % this.rate === 0) await this.expireMarkers();
    if (this.isEnded) return;
    if (this.checkEmpty()) return;
    this.tickCount++;
  }

  private async expireMarkers(): Promise<void> {
    const expired = this.markers.takeExpired(this.tickCount);
    if (expired.length === 0) return;
    await this.leaveMembers(expired.map((p) => ({ sessionId: p.sessionId, reason: PresenceReason.LEAVE })));
  }

  private checkEmpty(): boolean {
    const max = this.env.settings.maxEmptySec * this.rate;
    if (max <= 0) return false;
    if (this.presences.size > 0) {
      this.emptyTicks = 0;
      return false;
    }
    if (++this.emptyTicks < max) return false;
    this.end("empty", { empty_ticks: this.emptyTicks });
    return true;
  }

  /**
   * A join attempt. `answer` is called with the result before matchJoin runs for an accepted join, so
   * the client's `match` reply is not held up by matchJoin.
   */
  async joinAttempt(caller: JoinCaller, session: SessionHandle, metadata: Readonly<Record<string, string>>, answer: (a: JoinAnswer) => void): Promise<void> {
    const rejected = (reason = ""): JoinAnswer => ({ found: true, allow: false, reason, label: "" });
    if (this.isEnded) return answer(rejected());
    const r = await this.call("match_join_attempt", (c) => c.joinAttempt(this.tickCount, caller, metadata), (o) => o.alive);
    if (r === null) return answer(rejected());
    answer({ found: true, allow: r.accept, reason: r.reason, label: this.labelText });
    if (!r.accept) return;
    const presence: MatchPresence = { ...caller.presence, reason: PresenceReason.JOIN };
    const deadlineTicks = Math.max(1, Math.ceil((this.env.settings.joinMarkerDeadlineMs * this.rate) / 1000));
    this.markers.add(presence, this.tickCount + deadlineTicks);
    const added = this.presences.join([{ presence, session }]);
    if (added.length === 0) return;
    this.env.indexChanged(this.labelText, this.presences.size);
    await this.callState("match_join", (c) => c.join(this.tickCount, added));
  }

  /** Tracker events on the match stream: joins confirm markers, leaves (and disconnects) leave. */
  async presenceEvent(joins: readonly string[], leaves: ReadonlyArray<{ sessionId: string; reason: number }>): Promise<void> {
    if (this.isEnded) return;
    for (const sid of joins) this.markers.mark(sid);
    if (leaves.length > 0) await this.leaveMembers(leaves);
  }

  private async leaveMembers(leaves: ReadonlyArray<{ sessionId: string; reason: number }>): Promise<void> {
    const left = this.presences.leave(leaves);
    for (const l of leaves) this.markers.mark(l.sessionId);
    if (left.length === 0) return;
    this.env.indexChanged(this.labelText, this.presences.size);
    await this.callState("match_leave", (c) => c.leave(this.tickCount, left));
  }

  /** matchSignal: resolves with the handler's data; "match busy" if the match ends instead. */
  async signal(data: string): Promise<string> {
    const r = await this.call("match_signal", (c) => c.signal(this.tickCount, data), (o) => o.alive);
    if (r === null) throw new GameError(Code.UNAVAILABLE, MatchErr.busy);
    return r.data;
  }

  /** matchTerminate; with no grace period the match ends as soon as the callback returns. */
  async terminate(graceSeconds: number): Promise<void> {
    const alive = await this.callState("match_terminate", (c) => c.terminate(this.tickCount, graceSeconds));
    if (alive !== null && graceSeconds <= 0) this.end("terminated");
  }

  /**
   * Ends the match once (idempotent): deferred broadcasts leave, members are told (one leave event
   * each), the stream and the listing entry go, the VM is freed (`closed()` waits for it).
   */
  end(reason: EndReason, fields: Record<string, unknown> = {}): void {
    if (this.isEnded) return;
    this.dispatch.flushDeferred();
    this.isEnded = true;
    const members = [...this.presences.members()];
    if (members.length > 0) {
      const leaves = members.map((m) => ({ user_id: m.presence.userId, session_id: m.presence.sessionId, username: m.presence.username }));
      const out = new Outgoing({ match_presence_event: { match_id: this.id, joins: [], leaves } });
      for (const m of members) m.session.send(out);
    }
    this.presences.clear();
    this.env.untrackAll();
    this.env.ended();
    const line = { reason, tick: this.tickCount, ...fields };
    if (reason === "error") this.env.log.warn(line, "Stopping match after an error from a match handler");
    else if (reason === "empty") this.env.log.warn(line, "Stopping idle empty match");
    else this.env.log.info(line, "Match ended");
    const core = this.core;
    this.core = null;
    if (core !== null) this.closing = core.close().catch((err: unknown) => this.env.log.warn({ err }, "match VM close failed"));
  }

  /** Resolves once the match's VM is freed. */
  closed(): Promise<void> {
    return this.closing;
  }
}
