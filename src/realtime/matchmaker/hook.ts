// Owns calling a module's matchmaker-matched hook for one formed group, late-bound: the runtime loads
// after the matchmaker starts, so the hook reads the runtime on every call (no runtime yet, or no hook
// registered: no match id, the group gets a token). Entries reach each engine in Nakama's shapes:
//   Lua:        { presence = { user_id, session_id, username, node }, properties = {…}, party_id? }
//   JS, native: { presence: { userId, sessionId, username, node }, properties: {…}, partyId? }
// (`properties` merges string and numeric properties; the party id only for party tickets). The hook
// runs with execution mode "matchmaker" and a server context. It returns a match id (a string; "" and
// nil/undefined mean none); any other value is an error, logged by the matchmaker, and the group gets
// a token, as Nakama does.
import { Code, GameError } from "../../errors.js";
import type { MatchmakerEntry } from "../../matchmaker/index.js";
import { ExecutionMode, systemContext, type ContextBase } from "../../runtime/context.js";
import { RegKind, regKey, type EngineKind } from "../../runtime/registry.js";
import type { Runtime } from "../../runtime/runtime.js";

const HOOK_KEY = regKey(RegKind.MATCHMAKER_MATCHED);

function luaEntry(e: MatchmakerEntry): Record<string, unknown> {
  const p = e.presence;
  const out: Record<string, unknown> = {
    presence: { user_id: p.userId, session_id: p.sessionId, username: p.username, node: p.node },
    properties: { ...e.properties },
  };
  if (e.partyId !== "") out.party_id = e.partyId;
  return out;
}

function camelEntry(e: MatchmakerEntry): Record<string, unknown> {
  const p = e.presence;
  const out: Record<string, unknown> = {
    presence: { userId: p.userId, sessionId: p.sessionId, username: p.username, node: p.node },
    properties: { ...e.properties },
  };
  if (e.partyId !== "") out.partyId = e.partyId;
  return out;
}

/** The entries of one group as `engine` receives them. */
export function hookEntries(engine: EngineKind, entries: readonly MatchmakerEntry[]): Record<string, unknown>[] {
  return entries.map(engine === "lua" ? luaEntry : camelEntry);
}

/** A hook's return value as a match id (undefined: none). */
export function matchIdOf(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "string") return value;
  throw new GameError(Code.INTERNAL, "unexpected return type from runtime Matchmaker Matched hook, must be string or nil");
}

/** The matchmaker's `matchedHook`, reading the runtime when a group forms. */
export function matchedHook(
  runtime: () => Pick<Runtime, "call"> | undefined,
  base: ContextBase,
): (entries: MatchmakerEntry[]) => Promise<string | undefined> {
  return async (entries) => {
    const r = runtime();
    if (r === undefined) return undefined;
    const ctx = systemContext(base, ExecutionMode.MATCHMAKER);
    const value = await r.call(HOOK_KEY, ctx, (engine) => [hookEntries(engine, entries)], { mode: "matchmaker" });
    return matchIdOf(value);
  };
}
