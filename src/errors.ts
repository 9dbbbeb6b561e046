// Owns Troupe's one error type (GameError), the gRPC status codes, their HTTP mapping and the
// catalogue of fixed error messages that Nakama clients see.

/** gRPC status codes, as Nakama (and nkruntime.Codes) number them. */
export const Code = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;
export type Code = (typeof Code)[keyof typeof Code];

const httpByCode: Record<Code, number> = {
  0: 200, 1: 499, 2: 500, 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429,
  9: 400, 10: 409, 11: 400, 12: 501, 13: 500, 14: 503, 15: 500, 16: 401,
};

/** grpc-gateway's HTTPStatusFromCode; unknown codes are 500. */
export function httpStatusFromCode(code: number): number {
  return httpByCode[code as Code] ?? 500;
}

export function isCode(n: unknown): n is Code {
  return typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 16;
}

/** The one error class. `code` is a gRPC code; `message` is what the client sees. */
export class GameError extends Error {
  readonly code: Code;
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "GameError";
    this.code = code;
  }
  get httpStatus(): number {
    return httpStatusFromCode(this.code);
  }
  /** Nakama's gateway error body. */
  toJSON(): { code: number; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** Wraps anything thrown into a GameError; non-GameErrors become INTERNAL with the original as cause. */
export function toGameError(err: unknown, fallbackMessage = "Internal Server Error"): GameError {
  if (err instanceof GameError) return err;
  return new GameError(Code.INTERNAL, fallbackMessage, { cause: err });
}

/**
 * Fixed error messages clients depend on, with their codes. Code that raises one of these uses
 * `fail(E.X)` so the text never drifts; test/errors.test.ts checks every entry against Nakama's wording.
 */
export const E = {
  notFound: [Code.NOT_FOUND, "Not Found"],
  methodNotAllowed: [Code.UNIMPLEMENTED, "Method Not Allowed"],
  bodyTooLarge: [Code.INVALID_ARGUMENT, "http: request body too large"],
  badJson: [Code.INVALID_ARGUMENT, "Improperly formatted request body"],
  internal: [Code.INTERNAL, "Internal Server Error"],
  serverKeyRequired: [Code.UNAUTHENTICATED, "Server key required"],
  serverKeyInvalid: [Code.UNAUTHENTICATED, "Server key invalid"],
  authTokenRequired: [Code.UNAUTHENTICATED, "Auth token required"],
  authTokenInvalid: [Code.UNAUTHENTICATED, "Auth token invalid"],
  httpKeyInvalid: [Code.UNAUTHENTICATED, "HTTP key invalid"],
  authOrHttpKeyRequired: [Code.UNAUTHENTICATED, "Auth token or HTTP key required"],
  rpcIdRequired: [Code.INVALID_ARGUMENT, "RPC ID must be set"],
  rpcNotFound: [Code.NOT_FOUND, "RPC function not found"],
  rpcBodyNotString: [Code.INVALID_ARGUMENT, "json: cannot unmarshal object into Go value of type string"],
  refreshTokenInvalid: [Code.UNAUTHENTICATED, "Refresh token invalid or expired."],
  userBanned: [Code.PERMISSION_DENIED, "User account banned."],
  requestRejected: [Code.NOT_FOUND, "Requested resource was not found."],
} as const satisfies Record<string, readonly [Code, string]>;

export type CatalogueEntry = (typeof E)[keyof typeof E];

/** Builds the GameError for a catalogue entry. */
export function fail(entry: readonly [Code, string], cause?: unknown): GameError {
  return new GameError(entry[0], entry[1], cause === undefined ? undefined : { cause });
}
