// Owns the matchmaker core: a pure, synchronous ticket pool with Nakama's operations — add (query
// compiled once, `max_tickets` per session and per party), removal by owner (session or party), bulk
// removal when a session ends or a party closes, one matching pass (`process`, see process.ts), and the
// stats of GET /v2/matchmaker/stats. No timers and no I/O: the matchmaker actor drives it.
import { randomUUID } from "node:crypto";
import { Code, fail, GameError } from "../errors.js";
import { addNumber, addString, QueryCache, type QueryDoc } from "../query/index.js";
import { runPass } from "./process.js";
import { TicketStore, type Ticket } from "./store.js";
import {
  checkTicketCounts, DEFAULT_SETTINGS, MatchmakerErr,
  type MatchedGroup, type MatchmakerCompletion, type MatchmakerEntry, type MatchmakerSettings, type MatchmakerStatsSnapshot, type TicketRequest,
} from "./types.js";

export interface MatchmakerOptions {
  settings?: Partial<MatchmakerSettings>;
  /** Wall clock, unix ms (ticket creation and completion times). Default Date.now. */
  now?: () => number;
  /** Ticket ids. Default random UUIDs. */
  newTicketId?: () => string;
}

export interface AddedTicket {
  ticket: string;
  /** Unix ms. */
  createTime: number;
}

const COMPLETION_SAMPLES = 10;

/** The searchable document of a ticket: its properties as `properties.<name>`. */
export function propertiesDoc(strings: Record<string, string>, numbers: Record<string, number>): QueryDoc {
  const doc: QueryDoc = new Map();
  for (const [k, v] of Object.entries(strings)) addString(doc, `properties.${k}`, v);
  for (const [k, v] of Object.entries(numbers)) addNumber(doc, `properties.${k}`, v);
  return doc;
}

function entriesOf(t: Ticket): MatchmakerEntry[] {
  const properties: Record<string, string | number> = { ...t.stringProperties, ...t.numericProperties };
  return t.presences.map((presence) => ({
    ticket: t.id,
    presence,
    partyId: t.partyId,
    properties,
    stringProperties: t.stringProperties,
    numericProperties: t.numericProperties,
    createTime: t.createdAt,
  }));
}

export class Matchmaker {
  readonly settings: MatchmakerSettings;
  private readonly store = new TicketStore();
  private readonly queries = new QueryCache();
  private readonly now: () => number;
  private readonly newId: () => string;
  private seq = 0;
  private completions: MatchmakerCompletion[] = [];
  private stopped = false;

  constructor(opts: MatchmakerOptions = {}) {
    this.settings = Object.freeze({ ...DEFAULT_SETTINGS, ...opts.settings });
    this.now = opts.now ?? Date.now;
    this.newId = opts.newTicketId ?? randomUUID;
  }

  /** Waiting tickets. */
  get size(): number {
    return this.store.size;
  }

  /** Tickets still searching (not past their last interval). */
  get activeCount(): number {
    return this.store.active.size;
  }

  /**
   * Adds a ticket. Throws GameError: INVALID_ARGUMENT for bad counts (Nakama's pipeline texts), a bad
   * query ("matchmaker query invalid: …") or a session twice among the presences; RESOURCE_EXHAUSTED
   * when a presence's session or the party already holds `max_tickets`; UNAVAILABLE after `stop`.
   */
  add(req: TicketRequest): AddedTicket {
    if (this.stopped) throw fail(MatchmakerErr.notAvailable);
    const multiple = req.countMultiple ?? 1;
    const bad = checkTicketCounts(req.minCount, req.maxCount, multiple);
    if (bad !== null) throw new GameError(Code.INVALID_ARGUMENT, bad);
    if (req.presences.length === 0) throw new GameError(Code.INVALID_ARGUMENT, "matchmaker ticket needs at least one presence");
    const query = this.compile(req.query === "" ? "*" : req.query);
    const sessionIds = req.presences.map((p) => p.sessionId);
    if (new Set(sessionIds).size !== sessionIds.length) throw fail(MatchmakerErr.duplicateSession);
    const max = this.settings.maxTickets;
    if (sessionIds.some((s) => (this.store.bySession.get(s)?.size ?? 0) >= max)) throw fail(MatchmakerErr.tooManyTickets);
    if (req.partyId !== "" && (this.store.byParty.get(req.partyId)?.size ?? 0) >= max) throw fail(MatchmakerErr.tooManyTickets);
    const stringProperties = { ...req.stringProperties };
    const numericProperties = { ...req.numericProperties };
    const ticket: Ticket = {
      id: this.newId(),
      seq: this.seq++,
      createdAt: this.now(),
      sessionId: req.sessionId,
      partyId: req.partyId,
      presences: req.presences.map((p) => ({ ...p })),
      sessionIds,
      count: req.presences.length,
      min: req.minCount,
      max: req.maxCount,
      multiple,
      query,
      doc: propertiesDoc(stringProperties, numericProperties),
      stringProperties,
      numericProperties,
      intervals: 0,
      live: true,
      mark: 0,
      acc: 0,
    };
    this.store.insert(ticket);
    return { ticket: ticket.id, createTime: ticket.createdAt };
  }

  private compile(source: string) {
    try {
      return this.queries.get(source);
    } catch (err) {
      const detail = err instanceof GameError ? err.message : String(err);
      throw new GameError(Code.INVALID_ARGUMENT, `${MatchmakerErr.queryInvalid[1]}: ${detail}`, { cause: err });
    }
  }

  /** Removes a solo ticket owned by `sessionId` (Nakama: a party ticket cannot be removed this way). */
  removeSessionTicket(sessionId: string, ticket: string): void {
    const t = this.store.tickets.get(ticket);
    if (t === undefined || t.partyId !== "" || t.sessionId !== sessionId) throw fail(MatchmakerErr.ticketNotFound);
    this.store.delete(t);
  }

  /** Removes a ticket of party `partyId`. */
  removePartyTicket(partyId: string, ticket: string): void {
    const t = this.store.tickets.get(ticket);
    if (t === undefined || t.sessionId !== "" || t.partyId !== partyId) throw fail(MatchmakerErr.ticketNotFound);
    this.store.delete(t);
  }

  /** Removes every ticket that has `sessionId` among its presences (session ended). Returns how many. */
  removeSession(sessionId: string): number {
    return this.removeIds([...(this.store.bySession.get(sessionId) ?? [])]);
  }

  /** Removes every ticket of party `partyId` (party closed). Returns how many. */
  removeParty(partyId: string): number {
    return this.removeIds([...(this.store.byParty.get(partyId) ?? [])]);
  }

  /** Removes tickets by id, ignoring unknown ones. Returns how many were removed. */
  removeIds(tickets: readonly string[]): number {
    let n = 0;
    for (const id of tickets) {
      const t = this.store.tickets.get(id);
      if (t === undefined) continue;
      this.store.delete(t);
      n++;
    }
    return n;
  }

  /** Tickets held by a session (solo and party ones). */
  ticketsOfSession(sessionId: string): string[] {
    return [...(this.store.bySession.get(sessionId) ?? [])];
  }

  /** One matching interval. Matched tickets leave the pool; their entries come back grouped. */
  process(): MatchedGroup[] {
    if (this.stopped || this.store.active.size === 0) return [];
    const groups = runPass(this.store, this.settings);
    if (groups.length === 0) return [];
    const completeTime = this.now();
    const out = groups.map((g) => g.flatMap(entriesOf));
    for (const group of out) for (const e of group) this.completions.push({ createTime: e.createTime, completeTime });
    if (this.completions.length > COMPLETION_SAMPLES) this.completions = this.completions.slice(-COMPLETION_SAMPLES);
    return out;
  }

  stats(): MatchmakerStatsSnapshot {
    const oldest = this.store.tickets.values().next();
    return {
      ticketCount: this.store.size,
      oldestTicketCreateTime: oldest.done === true ? undefined : oldest.value.createdAt,
      completions: this.completions.map((c) => ({ ...c })),
    };
  }

  /** Refuses further adds and passes (Nakama's Stop); waiting tickets stay until removed. */
  stop(): void {
    this.stopped = true;
  }
}
