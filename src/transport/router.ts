// Owns REST routing: a segment trie with literal, `{name}` and catch-all `{name:.*}` segments,
// Nakama's routing errors (404 Not Found / 501 Method Not Allowed), and the mapping of thrown errors
// to gateway responses (GameError → its status and {"code","message"}; anything else → logged 500).
// An optional request observer sees every request around its dispatch (metrics, traces). Found matches
// are remembered per method and path (bounded), so a repeated request skips the trie walk.
import { E, GameError, fail } from "../errors.js";
import type { Logger } from "../log.js";
import { errorResponse, json } from "./json.js";
import type { HttpHandler, HttpRequest, HttpResponse } from "./types.js";

export interface RouteContext {
  readonly req: HttpRequest;
  /** Decoded path parameters by name. */
  readonly params: Readonly<Record<string, string>>;
}

export type RouteHandler = (ctx: RouteContext) => Promise<HttpResponse> | HttpResponse;

export type Method = "GET" | "HEAD" | "POST" | "PUT" | "DELETE" | "PATCH" | "OPTIONS";

interface Endpoint {
  handler: RouteHandler;
  /** Names of the parameters in path order (the catch-all last). */
  names: string[];
}

interface Node {
  literals: Map<string, Node>;
  param: Node | null;
  /** A `{name:.*}` tail: matches the rest of the path, slashes included, possibly empty. */
  tail: Map<string, Endpoint> | null;
  endpoints: Map<string, Endpoint> | null;
}

export type Match =
  | { kind: "found"; handler: RouteHandler; params: Record<string, string> }
  | { kind: "notFound" }
  | { kind: "methodNotAllowed" };

function newNode(): Node {
  return { literals: new Map(), param: null, tail: null, endpoints: null };
}

function decode(s: string): string {
  if (!s.includes("%")) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Remembered matches per router. */
const FOUND_MAX = 1024;

const PARAM = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const TAIL = /^\{([A-Za-z_][A-Za-z0-9_]*):\.\*\}$/;

/** Sees every request around its dispatch (metrics, traces): calls `next` once and returns its answer. */
export type RequestObserver = (req: HttpRequest, next: (req: HttpRequest) => Promise<HttpResponse>) => Promise<HttpResponse>;

export class Router {
  private readonly root = newNode();
  /** Found matches by method, then path; each method's starts over past FOUND_MAX (paths carrying ids are many). */
  private readonly found = new Map<string, Map<string, Match & { kind: "found" }>>();
  private readonly log: Logger;
  /** The router as the transport's HTTP handler. */
  readonly handle: HttpHandler;

  constructor(opts: { log: Logger; observe?: RequestObserver }) {
    this.log = opts.log;
    const dispatch = (req: HttpRequest) => this.dispatch(req);
    const observe = opts.observe;
    this.handle = observe === undefined ? dispatch : (req) => observe(req, dispatch);
  }

  /** Registers a route, e.g. add("GET", "/v2/group/{group_id}/user", h) or "/v2/rpc/{id:.*}". */
  add(method: Method, pattern: string, handler: RouteHandler): this {
    if (!pattern.startsWith("/")) throw new Error(`route pattern must start with "/": ${pattern}`);
    this.found.clear();
    const segs = pattern.split("/").slice(1);
    const names: string[] = [];
    let node = this.root;
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i];
      const tail = TAIL.exec(seg);
      if (tail !== null) {
        if (i !== segs.length - 1) throw new Error(`catch-all must be the last segment: ${pattern}`);
        names.push(tail[1]);
        node.tail ??= new Map();
        return this.put(node.tail, method, pattern, { handler, names });
      }
      const param = PARAM.exec(seg);
      if (param !== null) {
        names.push(param[1]);
        node = node.param ??= newNode();
      } else {
        if (seg.includes("{")) throw new Error(`bad route segment "${seg}" in ${pattern}`);
        let next = node.literals.get(seg);
        if (next === undefined) node.literals.set(seg, (next = newNode()));
        node = next;
      }
    }
    node.endpoints ??= new Map();
    return this.put(node.endpoints, method, pattern, { handler, names });
  }

  private put(map: Map<string, Endpoint>, method: Method, pattern: string, ep: Endpoint): this {
    if (map.has(method)) throw new Error(`duplicate route ${method} ${pattern}`);
    map.set(method, ep);
    return this;
  }

  /**
   * Finds the handler: literal segments beat `{param}`, which beats a catch-all; HEAD falls back to GET.
   * Found matches are remembered by method and path (frozen: they are shared by later requests).
   */
  match(method: string, path: string): Match {
    let byPath = this.found.get(method);
    const known = byPath?.get(path);
    if (known !== undefined) return known;
    const m = this.search(method, path);
    if (m.kind === "found") {
      Object.freeze(m.params);
      Object.freeze(m);
      if (byPath === undefined) this.found.set(method, (byPath = new Map()));
      if (byPath.size >= FOUND_MAX) byPath.clear();
      byPath.set(path, m);
    }
    return m;
  }

  private search(method: string, path: string): Match {
    const segs = path.split("/").slice(1);
    const values: string[] = [];
    const pick = (eps: Map<string, Endpoint>): Endpoint | undefined =>
      eps.get(method) ?? (method === "HEAD" ? eps.get("GET") : undefined);
    const found = this.walk(this.root, segs, 0, values, pick);
    if (found !== null) {
      const params: Record<string, string> = {};
      found.ep.names.forEach((name, i) => (params[name] = decode(found.values[i])));
      return { kind: "found", handler: found.ep.handler, params };
    }
    const any = this.walk(this.root, segs, 0, [], (eps) => (eps.size > 0 ? eps.values().next().value : undefined));
    return any === null ? { kind: "notFound" } : { kind: "methodNotAllowed" };
  }

  private walk(
    node: Node,
    segs: string[],
    i: number,
    values: string[],
    pick: (eps: Map<string, Endpoint>) => Endpoint | undefined,
  ): { ep: Endpoint; values: string[] } | null {
    if (i === segs.length) {
      const ep = node.endpoints === null ? undefined : pick(node.endpoints);
      return ep === undefined ? null : { ep, values: [...values] };
    }
    const seg = segs[i];
    const lit = node.literals.get(seg);
    if (lit !== undefined) {
      const r = this.walk(lit, segs, i + 1, values, pick);
      if (r !== null) return r;
    }
    if (node.param !== null && seg !== "") {
      values.push(seg);
      const r = this.walk(node.param, segs, i + 1, values, pick);
      values.pop();
      if (r !== null) return r;
    }
    if (node.tail !== null) {
      const ep = pick(node.tail);
      if (ep !== undefined) return { ep, values: [...values, segs.slice(i).join("/")] };
    }
    return null;
  }

  /** Runs the route (without an async frame of its own: one promise hop less per request). */
  private dispatch(req: HttpRequest): Promise<HttpResponse> {
    let out: Promise<HttpResponse> | HttpResponse;
    try {
      const m = this.match(req.method, req.path);
      if (m.kind === "notFound") throw fail(E.notFound);
      if (m.kind === "methodNotAllowed") throw fail(E.methodNotAllowed);
      out = m.handler({ req, params: m.params });
    } catch (err) {
      return Promise.resolve(this.failed(req, err));
    }
    return Promise.resolve(out).then(undefined, (err: unknown) => this.failed(req, err));
  }

  private failed(req: HttpRequest, err: unknown): HttpResponse {
    if (err instanceof GameError) return errorResponse(err);
    this.log.error({ err, method: req.method, path: req.path }, "route handler failed");
    return errorResponse(fail(E.internal, err));
  }
}

/** Nakama's two non-gateway health routes: `GET /` → 200 empty, `GET /healthcheck` → 200 `{}`. */
export function addHealthRoutes(router: Router): Router {
  return router
    .add("GET", "/", () => ({ status: 200 }))
    .add("GET", "/healthcheck", () => json({}));
}
