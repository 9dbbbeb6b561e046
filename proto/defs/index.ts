// Owns the two schema namespaces (nakama.api and nakama.realtime) as plain objects of message and
// enum definitions, and compiles every codec once when this module loads.
import { compileAll } from "../codec.js";
import type { EnumType, MessageType } from "../schema.js";
import * as account from "./api-account.js";
import * as data from "./api-data.js";
import * as social from "./api-social.js";
import * as realtime from "./realtime.js";

export const apiDefs = Object.freeze({ ...account, ...social, ...data });
export const rtDefs = Object.freeze({ ...realtime });

function messagesOf(ns: Readonly<Record<string, MessageType | EnumType>>): MessageType[] {
  return Object.values(ns).filter((x): x is MessageType => x.kind === "message");
}

compileAll([...messagesOf(apiDefs), ...messagesOf(rtDefs)]);
