// Shared helpers of the authoritative-match black-box tests (test/match-*.test.ts): a server on the
// test/fixtures/modules/matches folder (tic-tac-toe and relay handlers in Lua, JS and native, plus RPCs
// reaching nk's match functions), nakama-js players, the game's op codes, and waits on pushes with
// deadlines (never sleeps).
import type { BootedServer } from "./helpers/boot.js";
import { bootRuntime, bearer, request, rpc } from "./runtime-kit.js";
import { connect, clientFor, login, type Format, type Peer, type Push } from "./realtime-kit.js";

export type RuntimeName = "lua" | "js" | "native";
export const RUNTIMES: readonly RuntimeName[] = ["lua", "js", "native"];

/** The fixture protocol (lua_ttt.lua). */
export const OP = { START: 1, MOVE: 2, STATE: 3, DONE: 4, KICK: 5, TERMINATE: 6, LEFT: 7, REJOINED: 8, CTX: 9, CRASH: 99 } as const;

export function bootMatches(overrides: Record<string, unknown> = {}): Promise<BootedServer> {
  return bootRuntime("matches", { "logger.level": "warn", "runtime.call_timeout_ms": 2000, ...overrides });
}

export interface Player extends Peer {
  readonly userId: string;
  readonly token: string;
}

/** A fresh device account with a JSON (or protobuf) socket. */
export async function player(s: BootedServer, name: string, format: Format = "json"): Promise<Player> {
  const client = clientFor(s);
  const session = await login(client, name);
  const p = await connect(client, session, name, format);
  return Object.assign(p, { userId: session.user_id as string, token: session.token });
}

/** Calls one of the fixture RPCs (`<runtime>_create` …) with a JSON payload; returns the parsed reply. */
export async function callRpc(s: BootedServer, who: { token: string }, id: string, body: unknown): Promise<any> {
  const r = await rpc(s, id, { payload: JSON.stringify(body), auth: bearer(who.token) });
  if (r.status !== 200) throw Object.assign(new Error(`rpc ${id}: ${r.status} ${r.text}`), { status: r.status, body: r.text });
  return JSON.parse(r.json().payload as string);
}

export async function createMatch(s: BootedServer, who: { token: string }, rt: RuntimeName, module: string, params: Record<string, unknown> = {}): Promise<string> {
  return ((await callRpc(s, who, `${rt}_create`, { module, params })) as { match_id: string }).match_id;
}

/** GET /v2/match with query parameters. */
export async function listMatches(s: BootedServer, who: { token: string }, query: Record<string, string | number | boolean>): Promise<any> {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return request(s, `/v2/match?${qs}`, { headers: { authorization: bearer(who.token) } });
}

export function decode(p: Push): any {
  return JSON.parse(Buffer.from(p.value.data as Uint8Array).toString("utf8"));
}

/** Waits for a match_data push with `op` (and matching `pred` on its decoded JSON data). */
export function data(p: Peer, op: number, pred: (d: any) => boolean = () => true, ms = 5000): Promise<any> {
  return p.pushes
    .first(`${p.name}: match_data op ${op}`, (e) => e.kind === "match_data" && e.value.op_code === op && pred(decode(e)), ms)
    .then(decode);
}

/** Waits for a match_presence_event whose leaves include `sessionId`. */
export function leaveOf(p: Peer, sessionId: string, ms = 5000): Promise<any> {
  return p.pushes
    .first(`${p.name}: leave of ${sessionId}`, (e) => e.kind === "match_presence" && (e.value.leaves ?? []).some((l: any) => l.session_id === sessionId), ms)
    .then((e) => e.value);
}

/** Joins a match; resolves with the `match` reply (its `self.session_id` is the socket's session id). */
export async function join(p: Peer, matchId: string, metadata?: Record<string, string>): Promise<any> {
  return p.socket.joinMatch(matchId, undefined, metadata);
}

export async function move(p: Peer, matchId: string, cell: number): Promise<void> {
  await p.socket.sendMatchState(matchId, OP.MOVE, JSON.stringify({ cell }));
}
