// Owns the vocabulary of authoritative matches shared by the match host (actors/match), the three
// handler engines (engines/*.ts) and the match's own bookkeeping: presences and messages as the host
// holds them, what each handler callback returns, the MatchCore contract every engine implements, and
// the host side of the dispatcher (MatchDispatch) that guest calls are handed to.
//
// A MatchCore keeps the match state itself (a Lua/JS VM ref, or a native value): the host never sees
// it, only whether it is still there (a null/nil state ends the match, as in Nakama).
import { Code, GameError } from "../errors.js";
import type { EngineKind } from "../runtime/registry.js";

/** A match member as handlers see it (node = the server's name). `reason` is a PresenceReason. */
export interface MatchPresence {
  readonly userId: string;
  readonly sessionId: string;
  readonly username: string;
  readonly node: string;
  /** 0 unknown, 1 join, 2 update, 3 leave, 4 disconnect (nakama-common runtime.PresenceReason). */
  readonly reason: number;
}

/** One client message waiting for the next matchLoop. */
export interface MatchMessage {
  readonly sender: MatchPresence;
  readonly opCode: number;
  readonly data: Uint8Array | null;
  readonly reliable: boolean;
  readonly receiveTimeMs: number;
}

/** Who attempts a join: the presence plus its session's context fields (the join attempt's ctx). */
export interface JoinCaller {
  readonly presence: MatchPresence;
  readonly vars: Readonly<Record<string, string>>;
  /** Session expiry, unix seconds. */
  readonly expiry: number;
  readonly lang: string;
  readonly clientIp: string;
  readonly clientPort: string;
}

export interface InitResult {
  readonly tickRate: number;
  readonly label: string;
}

/** `alive` false: the handler returned no state (the match ends). */
export interface JoinAttemptOutcome {
  readonly alive: boolean;
  readonly accept: boolean;
  readonly reason: string;
}

export interface SignalOutcome {
  readonly alive: boolean;
  readonly data: string;
}

/**
 * One match's handlers, running in the engine that owns the match name. Calls never overlap (the
 * match actor makes one at a time). Every call but `init` resolves `alive: false` / false when the
 * handler returned no state; a handler error rejects (the host then ends the match).
 */
export interface MatchCore {
  readonly engine: EngineKind;
  init(params: Record<string, unknown>): Promise<InitResult>;
  joinAttempt(tick: number, caller: JoinCaller, metadata: Readonly<Record<string, string>>): Promise<JoinAttemptOutcome>;
  join(tick: number, presences: readonly MatchPresence[]): Promise<boolean>;
  leave(tick: number, presences: readonly MatchPresence[]): Promise<boolean>;
  loop(tick: number, messages: readonly MatchMessage[]): Promise<boolean>;
  terminate(tick: number, graceSeconds: number): Promise<boolean>;
  signal(tick: number, data: string): Promise<SignalOutcome>;
  /** The label changed (matchLabelUpdate): later calls' contexts carry it. */
  labelChanged(label: string): void;
  /** Frees the VM. Idempotent. */
  close(): Promise<void>;
}

/** A presence named by handler code (broadcast targets, kicks): session id and node are what count. */
export interface PresenceTarget {
  readonly sessionId: string;
  readonly node: string;
  readonly userId?: string;
}

/** The sender a handler puts on an outgoing match_data (any presence-shaped value it chooses). */
export interface SenderPresence {
  readonly userId: string;
  readonly sessionId: string;
  readonly username: string;
}

/**
 * The host side of a match's dispatcher: engines validate the guest's arguments (in that language's
 * names and error texts) and hand them here. Failures are GameErrors the engines raise in the guest.
 */
export interface MatchDispatch {
  /** broadcastMessage / broadcastMessageDeferred. `targets` null = every member; [] = nobody. */
  broadcast(
    opCode: number,
    data: Uint8Array | null,
    targets: readonly PresenceTarget[] | null,
    sender: SenderPresence | null,
    reliable: boolean,
    deferred: boolean,
  ): void;
  kick(targets: readonly PresenceTarget[]): void;
  updateLabel(label: string): void;
}

/** Nakama's label limit, in bytes. */
export const LABEL_MAX_BYTES = 2048;

/** Error texts handler code and callers see (nakama-common runtime errors and match handler messages). */
export const MatchErr = {
  stopped: "match stopped",
  notFound: "match not found",
  busy: "match busy",
  idInvalid: "match id is invalid",
  labelTooLong: "match label too long, must be 0-2048 bytes",
  deferredFull: "too many deferred message broadcasts per tick",
  shuttingDown: "shutdown in progress",
  joinQueueFull: "Match is not currently accepting join requests",
  initStateNil: "Match initial state must not be nil",
  tickRate: "must be between 1 and 60",
} as const;

export function matchError(message: string, code: Code = Code.INVALID_ARGUMENT): GameError {
  return new GameError(code, message);
}

/** A tick rate Nakama accepts: an integer 1–60 (fractions are truncated, as Go's int conversion does). */
export function validTickRate(v: unknown): number | null {
  if (typeof v !== "number" || !Number.isFinite(v)) return null;
  const n = Math.trunc(v);
  return n >= 1 && n <= 60 ? n : null;
}
