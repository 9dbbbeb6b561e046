// Owns the parties of this node (Nakama's LocalPartyRegistry plus its party index): creating one (id
// "<uuid>.<node>"), finding one by id, feeding each party the presence events of its stream, and the
// listing behind GET /v2/party and nk.partyList — parties that are not hidden, optionally only open
// (or only closed) ones, matching a query over the label JSON ("+label.mode:ranked", `*` or "" for all),
// in creation order, `limit` per page with an opaque cursor. Label changes apply to the listing at once
// (Nakama batches them every party.label_update_interval_ms).
import type { Init, api, rt } from "../../../proto/index.js";
import { Code, GameError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { addValue, compileQuery, type QueryDoc } from "../../query/index.js";
import type { RealtimeCore } from "../core.js";
import { newId, splitMatchId } from "../ids.js";
import type { SessionHandle } from "../session.js";
import { StreamMode, type PresenceEvent, type PresenceMeta } from "../tracker.js";
import type { PartyEnv, PartyMatchmaker } from "./env.js";
import { Party, PartyErr } from "./party.js";

export interface PartyRegistryOptions {
  core: RealtimeCore;
  log: Logger;
  singleParty: boolean;
  matchmaker?: () => PartyMatchmaker | undefined;
}

export interface PartyListOptions {
  limit: number;
  /** Only parties whose `open` equals this; undefined: both. */
  open?: boolean;
  /** Query over `label.<field>`; undefined, "" or "*": every party. */
  query?: string;
  cursor?: string;
}

export const CURSOR_INVALID = "Cursor is invalid or expired.";

function labelDoc(label: string): QueryDoc {
  const doc: QueryDoc = new Map();
  if (label === "") return doc;
  try {
    addValue(doc, "label", JSON.parse(label) as unknown);
  } catch {
    // Labels are checked to be JSON objects; anything else simply has no searchable fields.
  }
  return doc;
}

function encodeCursor(seq: number): string {
  return Buffer.from(`party:${seq}`, "utf8").toString("base64");
}

function decodeCursor(text: string): number | null {
  const m = /^party:(\d{1,15})$/.exec(Buffer.from(text, "base64").toString("utf8"));
  return m === null ? null : Number(m[1]);
}

export class PartyRegistry {
  private readonly parties = new Map<string, Party>();
  private readonly docs = new Map<Party, QueryDoc>();
  private readonly env: PartyEnv;
  private seq = 0;

  constructor(private readonly o: PartyRegistryOptions) {
    const meta = (s: SessionHandle): PresenceMeta => ({ username: s.username, hidden: false, persistence: false, status: "" });
    this.env = {
      core: o.core,
      singleParty: o.singleParty,
      matchmaker: o.matchmaker ?? (() => undefined),
      sendToStream: (stream, envelope) => void o.core.sendToStream(stream, envelope),
      meta,
      labelChanged: (p) => void this.docs.set(p, labelDoc(p.label)),
      stopped: (p) => {
        this.parties.delete(p.id);
        this.docs.delete(p);
      },
    };
    o.core.events.listen(StreamMode.PARTY, (e) => this.onEvent(e));
  }

  get count(): number {
    return this.parties.size;
  }

  get node(): string {
    return this.o.core.settings.node;
  }

  /** A new party led by `creator`, who is its first member (the caller tracks the presence). */
  create(creator: SessionHandle, open: boolean, maxSize: number, label: string, hidden: boolean): Party {
    const p = new Party(this.env, newId(), this.node, open, hidden, maxSize, label, this.seq++);
    p.addCreator(creator);
    this.parties.set(p.id, p);
    this.docs.set(p, labelDoc(label));
    return p;
  }

  /** The party of an id "<uuid>.<node>": null when the id is malformed, PartyErr.notFound when unknown. */
  find(partyId: string): Party | PartyErr | null {
    const parts = splitMatchId(partyId);
    if (parts === null) return null;
    if (parts.node !== this.node) return PartyErr.notFound;
    return this.parties.get(parts.uuid) ?? PartyErr.notFound;
  }

  /** The meta a member is tracked with. */
  meta(s: SessionHandle): PresenceMeta {
    return this.env.meta(s);
  }

  get singleParty(): boolean {
    return this.env.singleParty;
  }

  private onEvent(e: PresenceEvent): void {
    const p = this.parties.get(e.stream.id.subject);
    if (p === undefined || p.node !== e.stream.id.label) return;
    try {
      if (e.joins.length > 0) p.onJoins(e.joins);
      if (e.leaves.length > 0) p.onLeaves(e.leaves);
    } catch (err) {
      this.o.log.error({ err, party_id: p.idStr }, "party presence event failed");
    }
  }

  /** One page of the listing (see the module header). Throws INVALID_ARGUMENT for a bad cursor or query. */
  list(o: PartyListOptions): api.PartyList {
    let after = -1;
    if (o.cursor !== undefined && o.cursor !== "") {
      const c = decodeCursor(o.cursor);
      if (c === null) throw new GameError(Code.INVALID_ARGUMENT, CURSOR_INVALID);
      after = c;
    }
    const q = o.query === undefined || o.query === "" || o.query === "*" ? null : compileQuery(o.query);
    const parties: api.Party[] = [];
    let last: Party | undefined;
    let more = false;
    for (const p of this.parties.values()) {
      if (p.seq <= after || p.hidden || (o.open !== undefined && p.open !== o.open)) continue;
      if (q !== null && !q.matches(this.docs.get(p) ?? new Map())) continue;
      if (parties.length === o.limit) {
        more = true;
        break;
      }
      parties.push({ party_id: p.idStr, open: p.open, hidden: p.hidden, max_size: p.maxSize, label: p.label });
      last = p;
    }
    return { parties, cursor: more && last !== undefined ? encodeCursor(last.seq) : "" };
  }

  /** The `party` reply of a creator. */
  created(p: Party): Init<rt.Party> {
    const m = p.leader;
    if (m === null) throw new Error("a new party has its creator as leader");
    return p.view(m);
  }
}
