// Owns turning the tracker's queued presence events into envelopes and delivering them: one envelope
// per stream per batch (Nakama's tracker groups joins and leaves the same way), encoded once per
// format, sent to every session present on the stream at dispatch time. Status streams go to the
// status registry (followers), and listeners per stream mode (authoritative matches, parties) see
// every event of their mode before any envelope is sent.
import type { Init, rt } from "../../proto/index.js";
import { Outgoing } from "./outgoing.js";
import type { StatusRegistry } from "./status.js";
import { StreamMode, streamKey, type Presence, type PresenceEvent, type StreamId, type Tracker } from "./tracker.js";
import { wirePresence } from "./wire.js";

type Presences = Init<rt.UserPresence>[];

/** Builds the client envelope of a presence event on a stream of one mode. */
export type EventEnvelopeBuilder = (id: StreamId, joins: Presences, leaves: Presences) => Init<rt.Envelope>;

/** Sees every presence event of its mode (e.g. an authoritative match host learning of joins). */
export type ModeListener = (event: PresenceEvent) => void;

const channel = (id: StreamId, joins: Presences, leaves: Presences): Init<rt.ChannelPresenceEvent> => ({
  channel_id: streamKey(id),
  joins,
  leaves,
});

/** Nakama's envelope per stream mode; any other mode gets a `stream_presence_event`. */
export const defaultEventBuilders: Readonly<Record<number, EventEnvelopeBuilder>> = {
  [StreamMode.CHANNEL]: (id, j, l) => ({ channel_presence_event: { ...channel(id, j, l), room_name: id.label } }),
  [StreamMode.GROUP]: (id, j, l) => ({ channel_presence_event: { ...channel(id, j, l), group_id: id.subject } }),
  [StreamMode.DM]: (id, j, l) => ({
    channel_presence_event: { ...channel(id, j, l), user_id_one: id.subject, user_id_two: id.subcontext },
  }),
  [StreamMode.MATCH_RELAYED]: (id, joins, leaves) => ({ match_presence_event: { match_id: `${id.subject}.${id.label}`, joins, leaves } }),
  [StreamMode.MATCH_AUTHORITATIVE]: (id, joins, leaves) => ({
    match_presence_event: { match_id: `${id.subject}.${id.label}`, joins, leaves },
  }),
  [StreamMode.PARTY]: (id, joins, leaves) => ({ party_presence_event: { party_id: `${id.subject}.${id.label}`, joins, leaves } }),
};

function streamEvent(id: StreamId, joins: Presences, leaves: Presences): Init<rt.Envelope> {
  return { stream_presence_event: { stream: { ...id }, joins, leaves } };
}

export class PresenceEvents {
  private readonly listeners = new Map<number, ModeListener[]>();
  private readonly builders = new Map<number, EventEnvelopeBuilder>(Object.entries(defaultEventBuilders).map(([k, v]) => [Number(k), v]));

  constructor(
    private readonly tracker: Tracker,
    private readonly status: StatusRegistry,
  ) {}

  /** Adds a listener for events of a stream mode. */
  listen(mode: number, fn: ModeListener): void {
    const list = this.listeners.get(mode);
    if (list === undefined) this.listeners.set(mode, [fn]);
    else list.push(fn);
  }

  /** Replaces the client envelope built for events of a stream mode. */
  setBuilder(mode: number, builder: EventEnvelopeBuilder): void {
    this.builders.set(mode, builder);
  }

  /** Dispatches everything the tracker has queued. Returns the number of stream events handled. */
  flush(): number {
    const events = this.tracker.takeEvents();
    for (const e of events) this.dispatch(e);
    return events.length;
  }

  private dispatch(e: PresenceEvent): void {
    const id = e.stream.id;
    for (const fn of this.listeners.get(id.mode) ?? []) fn(e);
    if (id.mode === StreamMode.STATUS) {
      this.status.deliver(id.subject, e.joins, e.leaves);
      return;
    }
    const current = this.tracker.streamByKey(e.stream.key);
    if (current === undefined || current.members.size === 0) return;
    const build = this.builders.get(id.mode) ?? streamEvent;
    const out = new Outgoing(build(id, e.joins.map(asWire), e.leaves.map(asWire)));
    for (const p of current.members.values()) p.session.send(out);
  }
}

function asWire(p: Presence): Init<rt.UserPresence> {
  return wirePresence(p);
}
