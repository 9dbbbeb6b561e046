// Owns the socket's gate at upgrade time, in Nakama's order: `format` first (json | protobuf, else 400
// "Invalid format parameter"), then the session token from `Authorization: Bearer` (which wins) or
// `?token=` (else 401 "Missing or invalid token"), then `status` (Go ParseBool) and `lang` (default en).
// Token checks are the session service's (signature, expiry, logout/ban deny-list): no database access.
import type { HttpRequest, UpgradeDecision } from "../transport/index.js";
import type { SessionInfo, SessionService } from "../session/service.js";
import type { SessionFormat } from "./outgoing.js";
import type { SessionHandle } from "./session.js";

/** Per-connection data carried by the transport from upgrade to close. */
export interface ConnData {
  readonly auth: SessionInfo;
  readonly format: SessionFormat;
  /** `?status=true`: the session appears online to followers from the start. */
  readonly status: boolean;
  readonly lang: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly rawQuery: string;
  /** Set when the socket opens. */
  handle: SessionHandle | null;
}

const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);

const refuse = (status: number, body: string): UpgradeDecision<ConnData> => ({ ok: false, status, body });

export function checkUpgrade(sessions: SessionService, req: HttpRequest): UpgradeDecision<ConnData> {
  const f = req.query.get("format") ?? "";
  if (f !== "" && f !== "json" && f !== "protobuf") return refuse(400, "Invalid format parameter");
  const authorization = req.headers["authorization"];
  let token: string;
  if (authorization !== undefined) {
    if (!authorization.startsWith("Bearer ")) return refuse(401, "Missing or invalid token");
    token = authorization.slice("Bearer ".length);
  } else {
    token = req.query.get("token") ?? "";
  }
  const auth = token === "" ? null : sessions.verify(token);
  if (auth === null) return refuse(401, "Missing or invalid token");
  return {
    ok: true,
    data: {
      auth,
      format: f === "protobuf" ? "protobuf" : "json",
      status: TRUE.has(req.query.get("status") ?? ""),
      lang: req.query.get("lang") || "en",
      headers: req.headers,
      rawQuery: req.rawQuery,
      handle: null,
    },
  };
}
