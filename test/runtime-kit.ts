// Shared helpers of the runtime black-box tests (test/runtime-*.test.ts): boot a server on one fixture
// folder of test/fixtures/modules/, call RPCs over HTTP the way clients and servers do, log users in,
// and wait for a condition with a deadline (polling an observable, never sleeping then asserting).
import { bootServer, type BootedServer } from "./helpers/boot.js";

export type RuntimeName = "lua" | "js" | "native";
export const RUNTIMES: readonly RuntimeName[] = ["lua", "js", "native"];
export const SERVER_KEY = `Basic ${Buffer.from("defaultkey:").toString("base64")}`;
export const HTTP_KEY = "defaulthttpkey";

/** A server whose runtime.path is test/fixtures/modules/<folder>, with small pools and short limits. */
export function bootRuntime(folder: string, overrides: Record<string, unknown> = {}): Promise<BootedServer> {
  return bootServer({
    "runtime.path": `test/fixtures/modules/${folder}`,
    "runtime.env": ["TEST_ENV=hello", "OTHER=x=y"],
    "runtime.call_timeout_ms": 400,
    "runtime.lua_min_count": 1,
    "runtime.lua_max_count": 4,
    "runtime.js_min_count": 1,
    "runtime.js_max_count": 4,
    "runtime.js_memory_limit_bytes": 32 * 1024 * 1024,
    ...overrides,
  });
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json(): any;
}

export interface RpcOptions {
  method?: "GET" | "POST";
  /** Raw request body (default: the JSON string of `payload`). */
  body?: string;
  payload?: string;
  /** Authorization header value. */
  auth?: string;
  query?: string;
  headers?: Record<string, string>;
}

export async function request(s: BootedServer, path: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(`${s.httpUrl}${path}`, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

export function rpc(s: BootedServer, id: string, o: RpcOptions = {}): Promise<Reply> {
  const method = o.method ?? "POST";
  const headers: Record<string, string> = { ...o.headers };
  if (o.auth !== undefined) headers.authorization = o.auth;
  const body = method === "GET" ? undefined : (o.body ?? JSON.stringify(o.payload ?? ""));
  return request(s, `/v2/rpc/${id}${o.query ? `?${o.query}` : ""}`, { method, headers, body });
}

/** A device account's session token (vars travel into the token and the runtime context). */
export async function login(s: BootedServer, device: string, vars: Record<string, string> = {}): Promise<{ token: string; userId: string }> {
  const r = await request(s, "/v2/account/authenticate/device?create=true", {
    method: "POST", headers: { authorization: SERVER_KEY }, body: JSON.stringify({ id: device, vars }),
  });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
  const token = r.json().token as string;
  const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as { uid: string };
  return { token, userId: claims.uid };
}

export const bearer = (token: string): string => `Bearer ${token}`;

/** Retries `probe` until it returns a value other than undefined; fails after `ms`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last instanceof Error ? last.message : JSON.stringify(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
