// Owns reading REST requests the way grpc-gateway does for the identity routes: the JSON body decoded
// into its message (unknown fields ignored, empty body = empty message), query parameters by snake_case
// or lowerCamelCase name with the gateway's error texts, and the hook context of a request.
import { fromJson, type MessageType } from "../../proto/index.js";
import { Code, GameError } from "../errors.js";
import { emptyContext, type CallContext } from "../pipeline/hooks.js";
import type { SessionInfo } from "../session/service.js";
import { parseJsonObject } from "../transport/json.js";
import type { HttpRequest } from "../transport/types.js";

/**
 * For routes whose body is one field of the request (`body: "account"`): an empty body leaves that
 * field unset, as grpc-gateway does on EOF; anything else decodes like `decodeBody`.
 */
export function decodeBodyField<T>(req: HttpRequest, type: MessageType<T>): T | undefined {
  return req.body.toString("latin1").trim() === "" ? undefined : decodeBody(req, type);
}

/** Decodes the body into `type` with the REST gateway's rules. */
export function decodeBody<T>(req: HttpRequest, type: MessageType<T>): T {
  return fromJson(type, parseJsonObject(req.body), { unknown: "ignore" });
}

function camel(snake: string): string {
  return snake.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** Every value given for a field under its snake_case or lowerCamelCase name. */
export function queryValues(req: HttpRequest, name: string): string[] {
  const values = req.query.getAll(name);
  const alt = camel(name);
  return alt === name ? values : [...values, ...req.query.getAll(alt)];
}

/** A singular field: absent → undefined; more than one value → the gateway's error. */
export function queryScalar(req: HttpRequest, name: string): string | undefined {
  const values = queryValues(req, name);
  if (values.length > 1) {
    throw new GameError(Code.INVALID_ARGUMENT, `too many values for field "${name}": ${values.join(", ")}`);
  }
  return values[0];
}

/** Go's strconv.ParseBool. */
function parseGoBool(s: string): boolean | null {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(s)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(s)) return false;
  return null;
}

/** A google.protobuf.BoolValue query parameter: undefined when absent. */
export function queryBool(req: HttpRequest, name: string): boolean | undefined {
  const v = queryScalar(req, name);
  if (v === undefined) return undefined;
  const b = parseGoBool(v);
  if (b === null) {
    throw new GameError(Code.INVALID_ARGUMENT, `parsing field "${name}": strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
  }
  return b;
}

/** A plain string query parameter: "" when absent. */
export function queryString(req: HttpRequest, name: string): string {
  return queryScalar(req, name) ?? "";
}

/** The hook context of a request without a session (authenticate, refresh). */
export function anonymousContext(req: HttpRequest): CallContext {
  return emptyContext({ clientIp: req.remoteAddress });
}

/** The hook context of a request authenticated with a session token. */
export function sessionContext(req: HttpRequest, s: SessionInfo): CallContext {
  return emptyContext({
    userId: s.userId,
    username: s.username,
    vars: { ...s.vars },
    expiry: s.expiresAt,
    sessionId: "",
    clientIp: req.remoteAddress,
  });
}
