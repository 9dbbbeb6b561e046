// Owns chat channel identifiers as Nakama forms them: "<mode>.<subject>.<subcontext>.<label>" over the
// channel's presence stream (2 room: "2...<name>", 3 group: "3.<group id>..", 4 direct message:
// "4.<lower user id>.<higher user id>."), parsing one back into its stream (ChannelIdToStream), and
// the target checks of `channel_join` that need no database (room names, UUID targets).
//
// The nil UUID is the empty string in stream ids (Nakama prints uuid.Nil as ""), so "3.<nil>.." and
// "3..." name the same stream; UUIDs are canonical lower case whatever spelling the client used.
import { parseUuid, SYSTEM_USER_ID } from "../../session/uuid.js";
import { StreamMode, streamId, type StreamId } from "../tracker.js";

/** ChannelJoin.Type. */
export const ChannelType = { UNSPECIFIED: 0, ROOM: 1, DIRECT_MESSAGE: 2, GROUP: 3 } as const;

/** nakama-common runtime error texts the join errors wrap (`<reason>: Invalid channel target`). */
export const INVALID_TARGET = "Invalid channel target";
export const INVALID_TYPE = "Invalid channel type";

const CONTROL = /[\x00-\x1f\x7f]/;
/** A lone UTF-16 surrogate: text that has no UTF-8 form. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A canonical UUID, "" for the nil UUID, or null when `text` is not a UUID. */
function uuidPart(text: string): string | null {
  const u = parseUuid(text);
  if (u === null) return null;
  return u === SYSTEM_USER_ID ? "" : u;
}

/** The channel id of a chat stream (StreamToChannelId); null for a stream that is not a chat channel. */
export function channelIdOf(s: StreamId): string | null {
  if (s.mode !== StreamMode.CHANNEL && s.mode !== StreamMode.GROUP && s.mode !== StreamMode.DM) return null;
  return `${s.mode}.${s.subject}.${s.subcontext}.${s.label}`;
}

/** Parses a channel id into its stream as Nakama's ChannelIdToStream; null for an invalid id. */
export function channelStream(channelId: string): StreamId | null {
  if (channelId === "") return null;
  const first = channelId.indexOf(".");
  const second = first < 0 ? -1 : channelId.indexOf(".", first + 1);
  const third = second < 0 ? -1 : channelId.indexOf(".", second + 1);
  if (third < 0) return null;
  const mode = channelId.slice(0, first);
  const a = channelId.slice(first + 1, second);
  const b = channelId.slice(second + 1, third);
  const label = channelId.slice(third + 1);
  switch (mode) {
    case "2": {
      if (a !== "" || b !== "") return null;
      const n = Buffer.byteLength(label, "utf8");
      return n < 1 || n > 64 ? null : streamId(StreamMode.CHANNEL, "", "", label);
    }
    case "3": {
      if (b !== "" || label !== "") return null;
      const g = a === "" ? "" : uuidPart(a);
      return g === null ? null : streamId(StreamMode.GROUP, g);
    }
    case "4": {
      if (label !== "") return null;
      const one = a === "" ? "" : uuidPart(a);
      const two = b === "" ? "" : uuidPart(b);
      return one === null || two === null ? null : streamId(StreamMode.DM, one, two);
    }
    default:
      return null;
  }
}

/** A room name's problem as Nakama words it, or null when the name is fine. */
export function roomNameProblem(name: string): string | null {
  const n = Buffer.byteLength(name, "utf8");
  if (n < 1 || n > 64) return `Channel name is required and must be 1-64 chars: ${INVALID_TARGET}`;
  if (CONTROL.test(name)) return `Channel name must not contain control chars: ${INVALID_TARGET}`;
  if (LONE_SURROGATE.test(name)) return `Channel name must only contain valid UTF-8 bytes: ${INVALID_TARGET}`;
  return null;
}

/** The DM stream of two users: the lexically lower id is the subject, as Nakama orders the pair. */
export function dmStream(a: string, b: string): StreamId {
  return a > b ? streamId(StreamMode.DM, b, a) : streamId(StreamMode.DM, a, b);
}

/** The user id of a DM/group target: canonical, or null when it is not a UUID or is the nil UUID. */
export function targetUuid(target: string): string | null {
  const u = parseUuid(target);
  return u === null || u === SYSTEM_USER_ID ? null : u;
}

/** The room/group/DM fields a channel message, ack or channel reply carries for its stream. */
export interface ChannelNames {
  room_name: string;
  group_id: string;
  user_id_one: string;
  user_id_two: string;
}

export function channelNames(s: StreamId): ChannelNames {
  switch (s.mode) {
    case StreamMode.CHANNEL:
      return { room_name: s.label, group_id: "", user_id_one: "", user_id_two: "" };
    case StreamMode.GROUP:
      return { room_name: "", group_id: s.subject || SYSTEM_USER_ID, user_id_one: "", user_id_two: "" };
    default:
      return { room_name: "", group_id: "", user_id_one: s.subject || SYSTEM_USER_ID, user_id_two: s.subcontext || SYSTEM_USER_ID };
  }
}

/** Stream columns of the `message` table (nil UUID where a part is unused). */
export function streamColumns(s: StreamId): [number, string, string, string] {
  return [s.mode, s.subject || SYSTEM_USER_ID, s.subcontext || SYSTEM_USER_ID, s.label];
}
