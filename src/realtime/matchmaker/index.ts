// Owns the matchmaker's place on the wire: its socket handlers (matchmaker_add / matchmaker_remove),
// delivery of each pass's groups as `matchmaker_matched`, the late-bound matchmaker-matched hook, and
// the glue the composition root uses around the matchmaker actor (actors/matchmaker):
//
//   const mm = startMatchmaker(system.family("matchmaking"), matchmakerServiceDeps({ config, log, core, runtime: () => runtime }));
//   const stop = attachMatchmaker(realtime, mm);   // handlers + session-end cleanup; call stop() to stop mm
//
// Parties use the same handle through their own port (src/realtime/party/env.ts PartyMatchmaker:
// add / remove({partyId}) / removeParty); their groups are delivered here like any other.
import type { Config } from "../../config/schema.js";
import { packageVersion } from "../../lib/paths.js";
import type { Logger } from "../../log.js";
import type { MatchedResult, MatchmakerEntry, MatchmakerSettings } from "../../matchmaker/index.js";
import { parseEnv } from "../../runtime/context.js";
import type { Runtime } from "../../runtime/runtime.js";
import type { RealtimeCore } from "../core.js";
import type { HandlerTable } from "../dispatch.js";
import { deliverMatched } from "./deliver.js";
import { matchmakerHandlers, type SoloMatchmaker } from "./handlers.js";
import { matchedHook } from "./hook.js";

export { deliverMatched, matchedOutgoing, MatchedGroupWire, MatchedOutgoing } from "./deliver.js";
export { matchmakerHandlers, type SoloMatchmaker } from "./handlers.js";
export { hookEntries, matchedHook, matchIdOf } from "./hook.js";

/** matchmaker.* as the matchmaker actor takes them. */
export function matchmakerSettingsFrom(config: Config): MatchmakerSettings & { intervalSec: number } {
  const m = config.matchmaker;
  return Object.freeze({
    maxTickets: m.max_tickets,
    maxIntervals: m.max_intervals,
    revPrecision: m.rev_precision,
    revThreshold: m.rev_threshold,
    intervalSec: m.interval_sec,
  });
}

export interface MatchmakerServiceOptions {
  config: Config;
  log: Logger;
  core: RealtimeCore;
  /** The runtime once loaded (read when a group forms). */
  runtime: () => Pick<Runtime, "call"> | undefined;
}

/** The deps of actors/matchmaker's `startMatchmaker` (structurally its MatchmakerDeps). */
export interface MatchmakerServiceDeps {
  log: Logger;
  settings: MatchmakerSettings & { intervalSec: number };
  encryptionKey: string;
  onMatched: (results: MatchedResult[]) => void;
  matchedHook: (entries: MatchmakerEntry[]) => Promise<string | undefined>;
}

export function matchmakerServiceDeps(o: MatchmakerServiceOptions): MatchmakerServiceDeps {
  const base = { env: parseEnv(o.config.runtime.env), node: o.config.name, version: packageVersion() };
  return {
    log: o.log,
    settings: matchmakerSettingsFrom(o.config),
    encryptionKey: o.config.session.encryption_key,
    onMatched: (results) => void deliverMatched(o.core, results),
    matchedHook: matchedHook(o.runtime, base),
  };
}

/** The realtime service as the matchmaker needs it (actors/realtime's Realtime fits). */
export interface MatchmakerRealtime {
  readonly core: RealtimeCore;
  addHandlers(table: HandlerTable): void;
}

/**
 * Puts a started matchmaker on the wire: its handlers join the dispatch table and every session end
 * removes that session's tickets. Returns the stop for its service: after it, ending sessions (the
 * realtime service closes them later on shutdown) no longer reach the stopped matchmaker.
 */
export function attachMatchmaker(realtime: MatchmakerRealtime, mm: SoloMatchmaker & { stop(): Promise<void> }): () => Promise<void> {
  let attached = true;
  realtime.addHandlers(matchmakerHandlers(() => (attached ? mm : undefined)));
  realtime.core.onSession("end", (h) => {
    if (attached) mm.removeSession(h.id);
  });
  return () => {
    attached = false;
    return mm.stop();
  };
}
