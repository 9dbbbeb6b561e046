// Owns delivering a matchmaker pass to the sockets: every matched presence gets its own
// `matchmaker_matched` (its ticket and `self`; users and the token or match id shared by the group,
// src/matchmaker/envelope.ts), routed to its session on this node. A presence whose session has gone
// meanwhile is skipped, as Nakama's router drops a message to an absent presence.
//
// Encoding: the members of a group differ only in `ticket` and `self`, so the shared part
// (`token`/`match_id` and `users`, the bulk of the message) is encoded once per wire format and group,
// and each recipient's envelope is spliced from it: O(n) encoding for a group of n instead of O(n²).
// The pieces come from our codecs (never hand-written fields); only the envelope framing is joined
// here, and deliver.test.ts checks the result is byte-identical to encoding the whole envelope.
import { encodeBinary, rt, toJson, type Init } from "../../../proto/index.js";
import { matchedMessages, type MatchedResult } from "../../matchmaker/index.js";
import type { RealtimeCore } from "../core.js";
import { Outgoing, type SessionFormat } from "../outgoing.js";

const ENVELOPE_FIELD = (() => {
  const f = rt.Envelope.fields.find((x) => x.name === "matchmaker_matched");
  if (f === undefined) throw new Error("rt.Envelope has no matchmaker_matched field");
  return f;
})();
/** The envelope's JSON key (proto names on the wire, as Nakama's gateway writes them). */
const JSON_KEY = JSON.stringify(ENVELOPE_FIELD.name);
/** Length-delimited wire type. */
const LEN = 2;

/** Writes `n` as a protobuf varint at `at`; returns the offset after it. */
function writeVarint(out: Uint8Array, at: number, n: number): number {
  while (n > 0x7f) {
    out[at++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[at++] = n;
  return at;
}

function varintSize(n: number): number {
  let size = 1;
  while (n > 0x7f) {
    size++;
    n >>>= 7;
  }
  return size;
}

const TAG = (ENVELOPE_FIELD.number << 3) | LEN;

/** `{"a":1,"b":2}` → `"a":1,"b":2` (the members of a JSON object, to splice into another). */
function members(json: string): string {
  return json.slice(1, -1);
}

/** The parts of one group's messages that every member shares, encoded lazily once per format. */
export class MatchedGroupWire {
  private sharedJson: string | undefined;
  private sharedBin: Uint8Array | undefined;

  constructor(readonly shared: Readonly<Pick<Init<rt.MatchmakerMatched>, "match_id" | "token" | "users">>) {}

  json(ticket: string, self: Init<rt.MatchmakerUser>): Buffer {
    this.sharedJson ??= members(toJson(rt.MatchmakerMatched, this.shared));
    const head = members(toJson(rt.MatchmakerMatched, { ticket }));
    const tail = members(toJson(rt.MatchmakerMatched, { self }));
    return Buffer.from(`{${JSON_KEY}:{${head === "" ? "" : `${head},`}${this.sharedJson},${tail}}}`, "utf8");
  }

  binary(ticket: string, self: Init<rt.MatchmakerUser>): Uint8Array {
    this.sharedBin ??= encodeBinary(rt.MatchmakerMatched, this.shared);
    const head = encodeBinary(rt.MatchmakerMatched, { ticket });
    const tail = encodeBinary(rt.MatchmakerMatched, { self });
    const size = head.length + this.sharedBin.length + tail.length;
    const out = new Uint8Array(varintSize(TAG) + varintSize(size) + size);
    let at = writeVarint(out, writeVarint(out, 0, TAG), size);
    out.set(head, at);
    out.set(this.sharedBin, (at += head.length));
    out.set(tail, at + this.sharedBin.length);
    return out;
  }
}

/** One member's `matchmaker_matched`, spliced from its group's shared encoding. */
export class MatchedOutgoing extends Outgoing {
  private splicedJson: Buffer | null = null;
  private splicedBin: Uint8Array | null = null;

  constructor(
    private readonly group: MatchedGroupWire,
    private readonly ticket: string,
    private readonly self: Init<rt.MatchmakerUser>,
  ) {
    super({ matchmaker_matched: { ...group.shared, ticket, self } });
  }

  override bytes(format: SessionFormat): Uint8Array {
    if (format === "protobuf") return (this.splicedBin ??= this.group.binary(this.ticket, this.self));
    return (this.splicedJson ??= this.group.json(this.ticket, this.self));
  }
}

/** The envelope of every member of a delivered group, in entry order, with the member's session. */
export function matchedOutgoing(result: MatchedResult): Array<{ sessionId: string; out: Outgoing }> {
  const deliveries = matchedMessages(result);
  if (deliveries.length === 0) return [];
  const first = deliveries[0].message;
  const group = new MatchedGroupWire(
    first.match_id !== undefined ? { match_id: first.match_id, users: first.users } : { token: first.token, users: first.users },
  );
  return deliveries.map((d) => ({
    sessionId: d.sessionId,
    out: new MatchedOutgoing(group, d.message.ticket, d.message.self as Init<rt.MatchmakerUser>),
  }));
}

/** Sends every group of a pass to its members' sessions. Returns how many messages were handed over. */
export function deliverMatched(core: RealtimeCore, results: readonly MatchedResult[]): number {
  let sent = 0;
  for (const result of results) {
    for (const { sessionId, out } of matchedOutgoing(result)) {
      const h = core.session(sessionId);
      if (h === undefined) continue;
      h.send(out);
      sent++;
    }
  }
  return sent;
}
