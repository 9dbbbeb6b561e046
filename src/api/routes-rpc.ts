// Owns Nakama's custom RPC route, GET|POST /v2/rpc/{id:.*}, exactly as its api_rpc.go handler answers:
// auth by ?http_key=, Basic (http key as username) or Bearer session; fixed error bodies (keys in Go's
// sorted order code, error, message); the body a JSON string unless ?unwrap (then raw, and the reply
// echoes the request's Content-Type); GET payload always ""; ids lower-cased; query params (minus
// http_key) and headers (minus Grpc-Timeout) in the function's context; a function error's code mapped
// to its HTTP status with `error` = {} or {"stackTrace": …} for JS exceptions.
import type { Config } from "../config/schema.js";
import { E, GameError, httpStatusFromCode, type CatalogueEntry } from "../errors.js";
import type { Logger } from "../log.js";
import { emptyContext, type CallContext } from "../pipeline/hooks.js";
import type { RpcRegistry } from "../runtime/rpc.js";
import type { SessionInfo, SessionService } from "../session/service.js";
import type { Router } from "../transport/router.js";
import type { HttpRequest, HttpResponse } from "../transport/types.js";
import { bearerToken, parseBasicAuth } from "./auth.js";

export interface RpcRouteDeps {
  readonly config: Config;
  readonly sessions: SessionService;
  readonly log: Logger;
  /** The runtime's registry (undefined until/unless modules are loaded: every id is then not found). */
  readonly rpc: () => Pick<RpcRegistry, "call" | "has"> | undefined;
}

/** Frozen: the transport then recognises the same headers object answer after answer. */
const JSON_TYPE: Readonly<Record<string, string>> = Object.freeze({ "content-type": "application/json" });

/** Go's json.Marshal escapes these in strings (HTML safety); JSON.stringify does not. */
const GO_ESCAPES = /[<>&\u2028\u2029]/g;
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(GO_ESCAPES, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** What makes a JSON string more than its text in quotes: controls, quote, backslash, Go's escapes, surrogates. */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\<>&\u2028\u2029\ud800-\udfff]/;

/** goJson({ payload }), without serializing when the text needs no escaping (the common case). */
function payloadJson(payload: string): string {
  return NEEDS_ESCAPE.test(payload) ? goJson({ payload }) : `{"payload":"${payload}"}`;
}

function fixed(status: number, entry: CatalogueEntry): HttpResponse {
  return { status, headers: JSON_TYPE, body: goJson({ error: entry[1], message: entry[1], code: entry[0] }) };
}

/** Go's http.CanonicalHeaderKey: "x-forwarded-for" → "X-Forwarded-For". */
export function canonicalHeader(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

/** Canonical header names seen so far (the same few dozen names arrive on every request). */
function canonicalCached(cache: Map<string, string>, name: string): string {
  let c = cache.get(name);
  if (c === undefined) {
    c = canonicalHeader(name);
    if (cache.size < 1024) cache.set(name, c);
  }
  return c;
}

type Caller = { ok: true; session: SessionInfo | null } | { ok: false; response: HttpResponse };

function authenticate(req: HttpRequest, deps: RpcRouteDeps): Caller {
  const httpKey = deps.config.runtime.http_key;
  const queryKey = req.rawQuery === "" ? null : req.query.get("http_key");
  if (queryKey !== null && queryKey !== "") {
    return queryKey === httpKey ? { ok: true, session: null } : { ok: false, response: fixed(401, E.httpKeyInvalid) };
  }
  const auth = req.headers["authorization"];
  if (auth === undefined) return { ok: false, response: fixed(401, E.authOrHttpKeyRequired) };
  const basic = parseBasicAuth(auth);
  if (basic !== null) {
    return basic.username === httpKey ? { ok: true, session: null } : { ok: false, response: fixed(401, E.httpKeyInvalid) };
  }
  const token = bearerToken(auth);
  const session = token === null ? null : deps.sessions.verify(token);
  return session === null ? { ok: false, response: fixed(401, E.authTokenInvalid) } : { ok: true, session };
}

function callContext(req: HttpRequest, session: SessionInfo | null, names: Map<string, string>): CallContext {
  const queryParams: Record<string, string[]> = {};
  if (req.rawQuery !== "") {
    for (const [k, v] of req.query) if (k !== "http_key") (queryParams[k] ??= []).push(v);
  }
  const headers: Record<string, string[]> = {};
  for (const k in req.headers) if (k !== "grpc-timeout") headers[canonicalCached(names, k)] = [req.headers[k]];
  return emptyContext({
    userId: session?.userId ?? "",
    username: session?.username ?? "",
    vars: session ? { ...session.vars } : {},
    expiry: session?.expiresAt ?? 0,
    clientIp: req.remoteAddress,
    headers,
    queryParams,
  });
}

/**
 * The last context built per caller (its verified session object, else its Authorization value, else its
 * client address) and what it was built from.
 */
interface Built {
  readonly session: SessionInfo | null;
  readonly rawQuery: string;
  readonly remoteAddress: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly ctx: CallContext;
}

interface RouteState {
  /** Canonical header names seen so far. */
  readonly names: Map<string, string>;
  /** Keyed by session object where there is one: found by identity, not by hashing a long token each time. */
  readonly built: Map<SessionInfo | string, Built>;
}

/** Callers whose last context is remembered; past it the oldest is dropped. */
const BUILT_MAX = 1024;

function sameHeaders(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

/**
 * The request's context, reusing the frozen one built for the caller's previous request when nothing it
 * is made of changed (same verified session object, query, address and headers): a client repeating a
 * call then hands the runtime the same object, whose converted guest value is found by identity.
 */
function reusedContext(req: HttpRequest, session: SessionInfo | null, state: RouteState): CallContext {
  const key = session ?? req.headers["authorization"] ?? req.remoteAddress;
  const last = state.built.get(key);
  if (
    last !== undefined && last.session === session && last.rawQuery === req.rawQuery &&
    last.remoteAddress === req.remoteAddress && sameHeaders(last.headers, req.headers)
  ) {
    return last.ctx;
  }
  const ctx = callContext(req, session, state.names);
  Object.freeze(ctx.headers);
  Object.freeze(ctx.queryParams);
  Object.freeze(ctx.vars);
  Object.freeze(ctx);
  if (last === undefined && state.built.size >= BUILT_MAX) state.built.delete(state.built.keys().next().value as SessionInfo | string);
  state.built.set(key, { session, rawQuery: req.rawQuery, remoteAddress: req.remoteAddress, headers: req.headers, ctx });
  return ctx;
}

/** The payload, or the 400 answer for a body that is not a JSON string. */
function payloadOf(req: HttpRequest, unwrap: boolean): string | HttpResponse {
  if (req.method !== "POST" || req.body.length === 0) return "";
  const text = req.body.toString("utf8");
  if (unwrap) return text;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return fixed(400, E.rpcBodyNotString);
  }
  if (v === null) return ""; // Go leaves the string empty for JSON null
  return typeof v === "string" ? v : fixed(400, E.rpcBodyNotString);
}

function failure(err: unknown, deps: RpcRouteDeps, id: string): HttpResponse {
  if (!(err instanceof GameError)) {
    deps.log.error({ err, rpc_id: id }, "RPC failed");
    return fixed(500, E.internal);
  }
  const stackTrace = (err as { stackTrace?: unknown }).stackTrace;
  const error = typeof stackTrace === "string" && stackTrace !== "" ? { stackTrace } : {};
  return { status: httpStatusFromCode(err.code), headers: JSON_TYPE, body: goJson({ code: err.code, error, message: err.message }) };
}

async function handle(req: HttpRequest, rawId: string, deps: RpcRouteDeps, state: RouteState): Promise<HttpResponse> {
  const caller = authenticate(req, deps);
  if (!caller.ok) return caller.response;
  if (rawId === "") return fixed(400, E.rpcIdRequired);
  const id = rawId.toLowerCase();
  const registry = deps.rpc();
  if (registry === undefined || !registry.has(id)) return fixed(404, E.rpcNotFound);
  const unwrap = req.rawQuery !== "" && req.query.has("unwrap");
  const payload = payloadOf(req, unwrap);
  if (typeof payload !== "string") return payload;
  let result: string;
  try {
    result = await registry.call(reusedContext(req, caller.session, state), id, payload);
  } catch (err) {
    return failure(err, deps, id);
  }
  if (!unwrap) return { status: 200, headers: JSON_TYPE, body: payloadJson(result) };
  return { status: 200, headers: { "content-type": req.headers["content-type"] ?? "text/plain" }, body: result };
}

export function registerRpcRoutes(router: Router, deps: RpcRouteDeps): void {
  const state: RouteState = { names: new Map(), built: new Map() };
  const route = ({ req, params }: { req: HttpRequest; params: Readonly<Record<string, string>> }) => handle(req, params.id ?? "", deps, state);
  router.add("GET", "/v2/rpc/{id:.*}", route);
  router.add("POST", "/v2/rpc/{id:.*}", route);
}
