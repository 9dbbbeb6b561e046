// Helpers of the party black-box tests: a party member is either a nakama-js socket speaking JSON or a
// raw protobuf socket speaking our codec. (nakama-js-protobuf 1.4.0 decodes `Party` with Nakama 3.15's
// field numbers, which 3.40 changed, so its protobuf `party` messages would be garbage — for Nakama too.)
// Both record pushes as {kind: <envelope field>, value} and answer requests with the reply envelope,
// rejecting with the realtime {code, message} error.
import { decodeBinary, rt, toJsonValue } from "../proto/index.js";
import type { BootedServer } from "./helpers/boot.js";
import { RawSocket, Recorder, clientFor, login, peer, wsUrl, type Format, type Peer } from "./realtime-kit.js";

export type Kind = { kind: string; value: any };
export type UserPresence = { user_id: string; session_id: string; username: string };

export interface Member {
  readonly name: string;
  readonly format: Format;
  readonly presence: UserPresence;
  readonly pushes: Recorder<Kind>;
  /** Sends an envelope and resolves with the reply envelope (rejects with the realtime error). */
  call(env: Record<string, unknown>): Promise<Record<string, any>>;
  /** Sends an envelope expecting no reply. */
  fire(env: Record<string, unknown>): void;
  close(): Promise<void>;
}

const PARTY_PUSHES = [
  "party", "party_close", "party_join_request", "party_leader", "party_matchmaker_ticket", "party_presence_event", "party_data", "party_update",
  "matchmaker_matched",
];

function rtErrorOf(e: unknown): { code: number; message: string } {
  const err = e as { code?: number; message?: string };
  return { code: err.code ?? 0, message: err.message ?? String(e) };
}

async function jsonMember(s: BootedServer, name: string): Promise<Member> {
  const p: Peer = await peer(s, name, "json");
  const pushes = new Recorder<Kind>();
  const sock = p.socket as unknown as Record<string, unknown>;
  const on = (kind: string) => (value: unknown) => pushes.push({ kind, value });
  for (const [cb, kind] of [
    ["onparty", "party"], ["onpartyclose", "party_close"], ["onpartyjoinrequest", "party_join_request"], ["onpartyleader", "party_leader"],
    ["onpartymatchmakerticket", "party_matchmaker_ticket"], ["onpartypresence", "party_presence_event"], ["onpartydata", "party_data"],
    ["onmatchmakermatched", "matchmaker_matched"],
  ] as const) sock[cb] = on(kind);
  // nakama-js 2.8 has no callback for `party_update` (newer than it): listen on its WebSocket as well.
  const ws = (p.socket as unknown as { adapter: { _socket: { addEventListener(t: "message", f: (e: { data: unknown }) => void): void } } }).adapter._socket;
  ws.addEventListener("message", (e) => {
    const m = JSON.parse(String(e.data)) as Record<string, any>;
    if (m.cid === undefined && m.party_update !== undefined) pushes.push({ kind: "party_update", value: m.party_update });
  });
  const self = (await p.socket.joinChat(`whoami-${name}`, 1, false, true)).self;
  await p.socket.leaveChat(`2...whoami-${name}`);
  return {
    name, format: "json", pushes,
    presence: { user_id: self.user_id, session_id: self.session_id, username: self.username },
    call: async (env) => {
      try {
        return await p.socket.send(structuredClone(env));
      } catch (e) {
        throw rtErrorOf(e);
      }
    },
    fire: (env) => void p.socket.send(structuredClone(env)),
    close: async () => {
      p.socket.disconnect(false);
      await p.closed();
    },
  };
}

async function protobufMember(s: BootedServer, name: string): Promise<Member> {
  const session = await login(clientFor(s), name);
  const raw = await RawSocket.open(wsUrl(s, session.token, "protobuf"), "protobuf");
  const pushes = new Recorder<Kind>();
  raw.ws.on("message", (data: Buffer) => {
    const v = toJsonValue(rt.Envelope, decodeBinary(rt.Envelope, data)) as Record<string, any>;
    if (v.cid !== undefined) return;
    const kind = Object.keys(v).find((k) => PARTY_PUSHES.includes(k) || k === "notifications");
    if (kind !== undefined) pushes.push({ kind, value: v[kind] });
  });
  let cid = 0;
  const call = async (env: Record<string, unknown>): Promise<Record<string, any>> => {
    const id = `c${++cid}`;
    raw.send({ ...(env as object), cid: id });
    const r = await raw.reply(id);
    if (r.error !== undefined) throw rtErrorOf(r.error);
    return r;
  };
  const join = await call({ channel_join: { target: `whoami-${name}`, type: 1, persistence: false, hidden: true } });
  const self = join.channel.self as UserPresence;
  return {
    name, format: "protobuf", pushes,
    presence: { user_id: self.user_id, session_id: self.session_id, username: self.username },
    call,
    fire: (env) => raw.send(env),
    close: async () => {
      raw.close();
      await raw.closed();
    },
  };
}

export function member(s: BootedServer, name: string, format: Format): Promise<Member> {
  return format === "json" ? jsonMember(s, name) : protobufMember(s, name);
}

/** Rejects unless `p` fails; resolves with the realtime error. */
export async function rtFailure(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (e) {
    return rtErrorOf(e);
  }
  throw new Error("expected a realtime error");
}

export const opOf = (v: { op_code: number | string }): number => Number(v.op_code);
export const dataOf = (v: { data: string | Uint8Array }): string =>
  (typeof v.data === "string" ? Buffer.from(v.data, "base64") : Buffer.from(v.data)).toString("utf8");
export const b64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");

/** party_data_send as each client sends it (nakama-js base64-encodes a string; our codec takes bytes). */
export function sendData(m: Member, partyId: string, opCode: number, text: string): void {
  if (m.format === "json") m.fire({ party_data_send: { party_id: partyId, op_code: opCode, data: text } });
  else m.fire({ party_data_send: { party_id: partyId, op_code: String(opCode), data: Buffer.from(text, "utf8") } });
}
