// Owns the matchmaker actor: it holds the pure matchmaker core (src/matchmaker), adds tickets in
// batches, removes them by owner, session or party, runs one pass every `matchmaker.interval_sec` on
// the kernel clock (a ManualClock in tests), and delivers each pass's groups outside the actor: for
// each group the optional matched hook may return an authoritative match id; otherwise every member
// gets the same 30-second token for a new relayed match. All groups of a pass reach `onMatched` in
// one call, in formation order. A hook that throws is logged and the group gets a token (Nakama).
import type { ActorContext, ActorSpec } from "../kernel/index.js";
import { Code, GameError, toGameError } from "../../src/errors.js";
import type { Logger } from "../../src/log.js";
import {
  Matchmaker, mintMatchToken, newRelayedMatchId,
  type MatchedGroup, type MatchedResult, type MatchmakerEntry, type MatchmakerSettings,
} from "../../src/matchmaker/index.js";
import { PROCESS, type AddOutcome, type MatchmakerMsg } from "./matchmaker.messages.js";

export interface MatchmakerActorDeps {
  log: Logger;
  settings: MatchmakerSettings & { intervalSec: number };
  /** session.encryption_key (signs match tokens). */
  encryptionKey: string;
  onMatched: (results: MatchedResult[]) => void;
  /** The runtime's matchmaker-matched hook: a non-empty string is an authoritative match id. */
  matchedHook?: (entries: MatchmakerEntry[]) => Promise<string | undefined | void>;
  /** Wall clock, unix ms. */
  now: () => number;
  newTicketId?: () => string;
}

type Ctx = ActorContext<MatchmakerMsg>;
type Msg<T extends MatchmakerMsg["type"]> = Extract<MatchmakerMsg, { type: T }>;

async function resolveGroup(d: MatchmakerActorDeps, entries: MatchedGroup, nowSec: number): Promise<MatchedResult> {
  if (d.matchedHook !== undefined) {
    try {
      const matchId = await d.matchedHook(entries);
      if (typeof matchId === "string" && matchId !== "") return { entries, matchId };
    } catch (err) {
      d.log.error({ err, tickets: [...new Set(entries.map((e) => e.ticket))] }, "Error running Matchmaker Matched hook.");
    }
  }
  return { entries, token: mintMatchToken(d.encryptionKey, newRelayedMatchId(), nowSec) };
}

/** Runs outside the actor: hooks, tokens, then one `onMatched` call. */
async function deliver(d: MatchmakerActorDeps, groups: MatchedGroup[]): Promise<number> {
  const nowSec = Math.floor(d.now() / 1000);
  const results = await Promise.all(groups.map((g) => resolveGroup(d, g, nowSec)));
  d.onMatched(results);
  return results.length;
}

function add(mm: Matchmaker, msg: Msg<"add">): void {
  const out: AddOutcome[] = msg.items.map((req) => {
    try {
      return { ok: true, value: mm.add(req) };
    } catch (err) {
      return { ok: false, error: toGameError(err) };
    }
  });
  msg.replyTo.ok(out);
}

function remove(mm: Matchmaker, msg: Msg<"remove">): void {
  try {
    if ("sessionId" in msg.owner) mm.removeSessionTicket(msg.owner.sessionId, msg.ticket);
    else mm.removePartyTicket(msg.owner.partyId, msg.ticket);
    msg.replyTo.ok(undefined);
  } catch (err) {
    msg.replyTo.fail(toGameError(err));
  }
}

function processPass(d: MatchmakerActorDeps, mm: Matchmaker, ctx: Ctx): void {
  const started = performance.now();
  const waiting = mm.size;
  const groups = mm.process();
  if (groups.length === 0) return;
  d.log.debug({ groups: groups.length, waiting, ms: Math.round((performance.now() - started) * 100) / 100 }, "matchmaker pass");
  ctx.pipeToSelf(deliver(d, groups), (result) => ({ type: "delivered", result }));
}

export function matchmakerSpec(d: MatchmakerActorDeps): ActorSpec<MatchmakerMsg, Matchmaker> {
  return {
    name: "matchmaker",
    mailbox: { capacity: 100_000, overflow: "reject" },
    init: (ctx) => {
      const { intervalSec, ...settings } = d.settings;
      ctx.scheduleRepeat(intervalSec * 1000, PROCESS);
      return new Matchmaker({ settings, now: d.now, newTicketId: d.newTicketId });
    },
    handle: (mm, msg, ctx) => {
      switch (msg.type) {
        case "add":
          add(mm, msg);
          return mm;
        case "remove":
          remove(mm, msg);
          return mm;
        case "removeSession":
          mm.removeSession(msg.sessionId);
          return mm;
        case "removeParty":
          mm.removeParty(msg.partyId);
          return mm;
        case "process":
          processPass(d, mm, ctx);
          return mm;
        case "delivered":
          if (!msg.result.ok) d.log.error({ err: msg.result.error }, "matchmaker delivery failed");
          return mm;
        case "stats":
          msg.replyTo.ok(mm.stats());
          return mm;
      }
    },
    onStop: (mm) => {
      mm.stop();
    },
  };
}

/** The error an add gets when the actor cannot take the batch. */
export function unavailable(err: unknown): GameError {
  return err instanceof GameError ? err : new GameError(Code.UNAVAILABLE, "matchmaker not available", { cause: err });
}
