// Owns the public surface of realtime parties: the registry (parties of this node, their listing), the
// socket handlers, and the matchmaker port parties use.
//
// Why a party is a plain structure next to the presence actor rather than an actor of its own
// (measured on this machine, 100 parties of 4 over fake sockets, CPU per operation; the script is
// /tmp/partybench/realtime-party.ts, for bench/): party_data_send to 3 others as a direct call ≈ 1.8 µs,
// through a party actor ≈ 2.6 µs (tell) or ≈ 3.5 µs (ask, which a request needs for its answer), plus a
// turn of latency — for no gain: every party operation is synchronous on the one event loop, so nothing
// can interleave inside one. Lifecycle (presence leaves, disconnects) reaches parties through
// the presence actor's batched events, as relayed matches and the tracker do.
import type { RealtimeCore } from "../core.js";
import type { Logger } from "../../log.js";
import type { HandlerTable } from "../dispatch.js";
import type { PartyMatchmaker } from "./env.js";
import { partyHandlers } from "./handlers.js";
import { PartyRegistry } from "./registry.js";

export type { PartyEnv, PartyMatchmaker } from "./env.js";
export { partyHandlers } from "./handlers.js";
export { Party, PartyErr, type MatchmakerTerms, type Member, type PresenceRef } from "./party.js";
export { CURSOR_INVALID, PartyRegistry, type PartyListOptions, type PartyRegistryOptions } from "./registry.js";

export interface PartiesOptions {
  log: Logger;
  /** session.single_party (config validation already requires session.single_socket with it). */
  singleParty: boolean;
  /** The matchmaker once it runs; absent: party_matchmaker_add answers "matchmaker not available". */
  matchmaker?: () => PartyMatchmaker | undefined;
}

export interface Parties {
  readonly registry: PartyRegistry;
  readonly handlers: HandlerTable;
}

/** Builds the party registry on a realtime core and the handlers to add to its dispatch table. */
export function startParties(core: RealtimeCore, o: PartiesOptions): Parties {
  const registry = new PartyRegistry({ core, log: o.log, singleParty: o.singleParty, matchmaker: o.matchmaker });
  return { registry, handlers: partyHandlers(registry) };
}
