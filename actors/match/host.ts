// Owns every authoritative match of this node: creation (engine choice, VM, matchInit, actor spawn under
// one of the partition supervisors), the id → match table, the listing index (authoritative matches
// and, fed from the tracker, relayed ones), and the realtime side (AuthoritativeMatches: join attempts
// and client data; tracker presence events for match streams). Shutdown: `stop(grace)` gives every
// match matchTerminate(grace) and ends what is still running when the grace period is over.
//
// Rejoin (a user reconnecting with a new session): the new session's `match_join` is an ordinary join
// attempt: matchJoinAttempt sees the new session id with the same user id (and its metadata), so the
// handler can restore that player. Presence events the tracker queued before the attempt (such as the
// old session's disconnect) are dispatched first, so matchLeave for the old session always runs
// before matchJoinAttempt for the new one when the old socket has already closed. A session that is
// already a member gets its `match` reply without a new join attempt.
import { randomUUID } from "node:crypto";
import type { api } from "../../proto/index.js";
import { ask, stop, supervisor, tell, type ActorRef, type Supervisor } from "../kernel/index.js";
import { Code, GameError } from "../../src/errors.js";
import type { Logger } from "../../src/log.js";
import { MatchLabelIndex, type MatchListOptions } from "../../src/matchmaker/index.js";
import {
  MatchCoreFactory, MatchErr, MatchInstance,
  type EndReason, type JoinCaller, type MatchHandlerSource, type MatchOrigin, type MatchSettings, type MatchesPort,
} from "../../src/match/index.js";
import {
  StreamMode, splitMatchId, streamId,
  type AuthoritativeMatches, type MatchJoinResult, type PresenceEvent, type RealtimeCore, type SessionHandle, type StreamId,
} from "../../src/realtime/index.js";
import type { NkBinding } from "../../src/runtime/nk/types.js";
import { spawnMatchActor } from "./match.actor.js";
import type { MatchMsg } from "./match.messages.js";

export interface MatchHostDeps {
  readonly settings: MatchSettings;
  readonly log: Logger;
  readonly realtime: RealtimeCore;
  /** Where handlers come from (the loaded runtime); undefined until it has loaded. */
  readonly handlers: () => MatchHandlerSource | undefined;
  /** The nk binding table match VMs install (src/runtime/nk `nkBindings()`; called once, on the first match). */
  readonly bindings: () => readonly NkBinding[];
  /** Partition supervisors (default 8). */
  readonly partitions?: number;
}

interface Handle {
  readonly uuid: string;
  readonly inst: MatchInstance;
  ref: ActorRef<MatchMsg> | null;
  pendingJoins: number;
  pendingSignals: number;
}

const NOT_FOUND: MatchJoinResult = Object.freeze({ found: false, allow: false, reason: "", label: "" });

export class MatchHost implements AuthoritativeMatches, MatchesPort {
  readonly labels = new MatchLabelIndex();
  private readonly matches = new Map<string, Handle>();
  private readonly relayed = new Set<string>();
  private readonly partitions: Supervisor[] = [];
  private readonly factory: MatchCoreFactory;
  private stopping = false;
  private endReason: EndReason = "stopped";
  private drained: (() => void) | null = null;
  private bindingTable: readonly NkBinding[] | null = null;

  constructor(
    family: Supervisor,
    private readonly deps: MatchHostDeps,
  ) {
    this.factory = new MatchCoreFactory(deps.log);
    const n = deps.partitions ?? 8;
    for (let i = 0; i < n; i++) this.partitions.push(supervisor(family, { name: `p${i}`, strategy: "one-for-one", maxRestarts: 10, withinMs: 10_000 }));
    deps.realtime.events.listen(StreamMode.MATCH_AUTHORITATIVE, (e) => this.onPresence(e));
    deps.realtime.events.listen(StreamMode.MATCH_RELAYED, (e) => this.onRelayed(e));
  }

  get node(): string {
    return this.deps.settings.node;
  }

  /** Running authoritative matches. */
  count(): number {
    return this.matches.size;
  }

  // ---- creation --------------------------------------------------------------------------------

  async create(name: string, params: Record<string, unknown>, origin: MatchOrigin): Promise<string> {
    if (this.stopping) throw new GameError(Code.UNAVAILABLE, MatchErr.shuttingDown);
    const src = this.deps.handlers();
    if (src === undefined || this.factory.engineOf(src, name) === undefined) throw new GameError(Code.NOT_FOUND, "not found");
    const uuid = randomUUID();
    const id = `${uuid}.${this.node}`;
    const log = this.deps.log.child({ mid: uuid });
    const inst = new MatchInstance(this.env(uuid, id, name, log));
    const core = await this.factory.create(src, {
      matchId: id, node: this.node, base: origin.base, handlerName: name, dispatch: inst.dispatch, nk: origin.nk,
      bindings: (this.bindingTable ??= this.deps.bindings()), settings: this.deps.settings, log,
    });
    let init;
    try {
      init = await core.init(params);
      if (this.stopping) throw new GameError(Code.UNAVAILABLE, MatchErr.shuttingDown);
    } catch (err) {
      await core.close().catch(() => undefined);
      throw err;
    }
    const handle: Handle = { uuid, inst, ref: null, pendingJoins: 0, pendingSignals: 0 };
    this.matches.set(uuid, handle);
    inst.start(core, init);
    const s = this.deps.settings;
    handle.ref = spawnMatchActor(this.partitionOf(uuid), inst, {
      name: `m-${uuid}`,
      capacity: s.callQueueSize + s.joinAttemptQueueSize + s.signalQueueSize,
      stopReason: () => this.endReason,
    });
    return id;
  }

  private env(uuid: string, id: string, handlerName: string, log: Logger) {
    const stream: StreamId = streamId(StreamMode.MATCH_AUTHORITATIVE, uuid, "", this.node);
    const tracker = this.deps.realtime.tracker;
    let indexed: string | null = null;
    return {
      id, handlerName, settings: this.deps.settings, log, slab: this.deps.realtime.slab,
      untrack: (sessionId: string) => tracker.untrack(sessionId, stream),
      untrackAll: () => tracker.untrackByStream(stream),
      indexChanged: (label: string, size: number) => {
        const inst = this.matches.get(uuid)?.inst;
        if (indexed === label) return this.labels.setSize(id, size);
        indexed = label;
        this.labels.put({ matchId: id, authoritative: true, label, size, tickRate: inst?.tickRate, handlerName, createTime: inst?.createTime });
      },
      ended: () => {
        this.matches.delete(uuid);
        this.labels.remove(id);
        if (this.matches.size === 0) this.drained?.();
      },
    };
  }

  private partitionOf(uuid: string): Supervisor {
    return this.partitions[parseInt(uuid.slice(0, 8), 16) % this.partitions.length];
  }

  // ---- realtime: joins, data, presence events ---------------------------------------------------

  async join(uuid: string, node: string, session: SessionHandle, metadata: Record<string, string>): Promise<MatchJoinResult> {
    const h = node === this.node ? this.matches.get(uuid) : undefined;
    if (h === undefined || h.ref === null) return NOT_FOUND;
    if (h.inst.presences.has(session.id)) return { found: true, allow: true, reason: "", label: h.inst.label };
    if (h.pendingJoins >= this.deps.settings.joinAttemptQueueSize) {
      h.inst.env.log.warn("Match handler join attempt queue full");
      return { found: true, allow: false, reason: MatchErr.joinQueueFull, label: "" };
    }
    // Rejoin ordering (see the header): queued tracker events reach the match before this attempt.
    this.deps.realtime.events.flush();
    const ref = h.ref;
    h.pendingJoins++;
    try {
      return await ask(ref, (replyTo) => ({ type: "join-attempt", caller: callerOf(session, this.node), session, metadata, replyTo }), this.deps.settings.callWaitMs);
    } catch (err) {
      if (err instanceof GameError && err.code === Code.UNAVAILABLE) return NOT_FOUND;
      return { found: true, allow: false, reason: "", label: "" };
    } finally {
      h.pendingJoins--;
    }
  }

  sendData(uuid: string, node: string, session: SessionHandle, opCode: string, data: Uint8Array, reliable: boolean, receiveTimeMs: number): void {
    if (node !== this.node) return;
    this.matches.get(uuid)?.inst.enqueue(session, Number(opCode), data, reliable, receiveTimeMs);
  }

  private onPresence(e: PresenceEvent): void {
    const h = this.matches.get(e.stream.id.subject);
    if (h === undefined || h.ref === null || e.stream.id.label !== this.node) return;
    const msg: MatchMsg = {
      type: "presences",
      joins: e.joins.map((p) => p.sessionId),
      leaves: e.leaves.map((p) => ({ sessionId: p.sessionId, reason: p.reason })),
    };
    if (tell(h.ref, msg)) return;
    // Nakama: a match whose call queue is full cannot keep up and is stopped.
    h.inst.env.log.warn("Match handler call processing too slow, closing match");
    stop(h.ref).catch(() => undefined);
  }

  /** Relayed matches are listed from the tracker: one index entry per non-empty relayed stream. */
  private onRelayed(e: PresenceEvent): void {
    const id = `${e.stream.id.subject}.`;
    const size = e.stream.members.size;
    if (size === 0) {
      this.relayed.delete(id);
      this.labels.remove(id);
    } else if (this.relayed.has(id)) this.labels.setSize(id, size);
    else {
      this.relayed.add(id);
      this.labels.put({ matchId: id, authoritative: false, size });
    }
  }

  // ---- nk / API: get, list, signal ------------------------------------------------------------

  get(id: string): api.Match | null {
    const parts = splitMatchId(id);
    if (parts === null) throw new GameError(Code.INVALID_ARGUMENT, MatchErr.idInvalid);
    if (parts.node === "") {
      const size = this.deps.realtime.tracker.countByStream(streamId(StreamMode.MATCH_RELAYED, parts.uuid));
      return size === 0 ? null : { match_id: id, authoritative: false, size, tick_rate: 0, handler_name: "" };
    }
    if (parts.node !== this.node) return null;
    return this.labels.get(`${parts.uuid}.${this.node}`) ?? null;
  }

  list(options: MatchListOptions): api.Match[] {
    return this.labels.list(options);
  }

  async signal(id: string, data: string): Promise<string> {
    const parts = splitMatchId(id);
    if (parts === null) throw new GameError(Code.INVALID_ARGUMENT, MatchErr.idInvalid);
    const h = parts.node === this.node ? this.matches.get(parts.uuid) : undefined;
    if (h === undefined || h.ref === null) throw new GameError(Code.NOT_FOUND, MatchErr.notFound);
    if (h.pendingSignals >= this.deps.settings.signalQueueSize) throw new GameError(Code.UNAVAILABLE, MatchErr.busy);
    const ref = h.ref;
    h.pendingSignals++;
    try {
      return await ask(ref, (replyTo) => ({ type: "signal", data, replyTo }), this.deps.settings.callWaitMs);
    } catch (err) {
      if (err instanceof GameError && err.code === Code.UNAVAILABLE && err.message !== MatchErr.busy) throw new GameError(Code.NOT_FOUND, MatchErr.notFound);
      if (err instanceof GameError && err.code !== Code.DEADLINE_EXCEEDED && err.code !== Code.RESOURCE_EXHAUSTED) throw err;
      throw new GameError(Code.UNAVAILABLE, MatchErr.busy);
    } finally {
      h.pendingSignals--;
    }
  }

  // ---- shutdown --------------------------------------------------------------------------------

  /**
   * Refuses new matches, calls matchTerminate(graceSeconds) on every match, waits until they have all
   * ended or the grace period is over, then ends the rest. Idempotent enough to call twice.
   */
  async stop(graceSeconds: number): Promise<void> {
    this.stopping = true;
    this.endReason = "shutdown";
    const handles = [...this.matches.values()];
    if (handles.length > 0) this.deps.log.info({ matches: handles.length, grace_sec: graceSeconds }, "Terminating matches");
    const allEnded = new Promise<void>((resolve) => {
      this.drained = resolve;
      if (this.matches.size === 0) resolve();
    });
    for (const h of handles) {
      if (h.ref !== null && !tell(h.ref, { type: "terminate", graceSeconds })) await stop(h.ref);
    }
    // With a grace period the matches decide when to end (their loop returns no state) until just
    // before it is over, so that the rest are ended (and their members told) while sockets are still
    // open; without one, matchTerminate(0) ends each match as soon as it returns.
    const graceMs = graceSeconds * 1000;
    await within(allEnded, graceMs > 0 ? graceMs - Math.min(250, graceMs / 4) : this.deps.settings.callTimeoutMs);
    await Promise.all([...this.matches.values()].map((h) => (h.ref === null ? Promise.resolve() : stop(h.ref))));
    // One event-loop turn, so that what the last matches sent (their end events) is written to the
    // sockets before the services after us close them.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The join attempt's caller, from the session's fixed identity. */
function callerOf(s: SessionHandle, node: string): JoinCaller {
  const i = s.identity;
  return {
    presence: { userId: i.userId, sessionId: i.id, username: i.username, node, reason: 0 },
    vars: i.vars, expiry: i.expiry, lang: i.lang, clientIp: i.clientIp, clientPort: i.clientPort,
  };
}

/** Resolves when `p` does or after `ms`, whichever comes first (the timer is cleared). */
async function within(p: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
