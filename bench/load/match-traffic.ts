// Owns match data traffic for the relay and authoritative workloads: prebuilt match_data_send frames
// whose payload starts with an ASCII send-time stamp ("TRPB" + 16 digits, so it survives Lua, JS and
// native handlers and both wire formats), patched in place before each send; a raw receive path that
// reads the stamp back out of match_data (protobuf bytes or JSON base64) without decoding the envelope;
// and a run that paces sends at an offered rate, records the deliveries of the measured window with
// their latency, drains, and reports loss and closed sockets.
import { encodeBinary, rt, toJson } from "../../proto/index.js";
import { clientFrame } from "../lib/mini-ws.js";
import { drain, pace, sleep } from "./loops.js";
import type { RunContext } from "./types.js";
import type { Format, NakamaSocket } from "./wire.js";

const MAGIC = "TRPB";
const DIGITS = 16;
/** Bytes of payload the stamp needs, rounded to a whole number of base64 groups. */
export const STAMP_BYTES = 24;

function stampText(t: number): string {
  return MAGIC + t.toFixed(3).padStart(DIGITS, "0");
}

export interface Sender {
  readonly sock: NakamaSocket;
  /** Sends the frame stamped with the current time. */
  send(): void;
}

/** A player's match_data_send for `matchId` with a `payloadBytes` payload (≥ STAMP_BYTES). */
export function senderFor(sock: NakamaSocket, format: Format, matchId: string, payloadBytes: number, opCode = 1): Sender {
  const payload = Buffer.alloc(Math.max(STAMP_BYTES, payloadBytes), "x");
  payload.write(stampText(0), 0, "latin1");
  const env = { match_data_send: { match_id: matchId, op_code: String(opCode), data: payload } };
  if (format === "protobuf") {
    const frame = clientFrame(2, encodeBinary(rt.Envelope, env));
    const at = frame.indexOf(MAGIC);
    return {
      sock,
      send: () => {
        frame.write(stampText(performance.now()), at, "latin1");
        sock.ws.sendFrame(Buffer.from(frame));
      },
    };
  }
  const frame = clientFrame(1, Buffer.from(toJson(rt.Envelope, env)));
  const at = frame.indexOf(payload.toString("base64"));
  const head = Buffer.alloc(STAMP_BYTES, "x");
  return {
    sock,
    send: () => {
      head.write(stampText(performance.now()), 0, "latin1");
      frame.write(head.toString("base64"), at, "latin1");
      sock.ws.sendFrame(Buffer.from(frame));
    },
  };
}

/** The send time stamped in a delivered match_data, or null when the message carries none. */
export function stampOf(data: Buffer, binary: boolean): number | null {
  let text: string;
  if (binary) {
    const i = data.indexOf(MAGIC);
    if (i < 0) return null;
    text = data.toString("latin1", i, i + MAGIC.length + DIGITS);
  } else {
    const i = data.indexOf('"data":"');
    if (i < 0) return null;
    text = Buffer.from(data.toString("latin1", i + 8, i + 8 + (STAMP_BYTES / 3) * 4), "base64").toString("latin1");
  }
  if (!text.startsWith(MAGIC)) return null;
  const t = Number(text.slice(MAGIC.length, MAGIC.length + DIGITS));
  return Number.isFinite(t) ? t : null;
}

export interface TrafficPlan {
  /** Every player's sender. */
  readonly senders: readonly Sender[];
  /** Sends per second over all senders. */
  readonly sendsPerSec: number;
  /** Deliveries each send should cause (relay: players - 1; a broadcast-to-all handler: players). */
  readonly fanout: number;
  readonly unit: string;
}

interface Counts {
  received: number;
  inWindow: number;
  closed: number;
  from: number;
  to: number;
}

function listen(ctx: RunContext, socks: readonly NakamaSocket[], c: Counts): void {
  for (const sock of socks) {
    sock.raw = (data, binary) => {
      const t = stampOf(data, binary);
      if (t === null) return false;
      c.received++;
      if (t >= c.from && t < c.to) {
        c.inWindow++;
        const now = performance.now();
        ctx.rec.ok(now - t, now);
      }
      return true;
    };
    sock.onClose = () => void c.closed++;
  }
}

/** Paces the plan through warm-up and the measured window, then drains and records the phase. */
export async function runTraffic(ctx: RunContext, plan: TrafficPlan, phaseName: string): Promise<void> {
  const { warmup, duration } = ctx.opts;
  const c: Counts = { received: 0, inWindow: 0, closed: 0, from: Infinity, to: Infinity };
  listen(ctx, plan.senders.map((s) => s.sock), c);
  let next = 0;
  const n = plan.senders.length;
  let windowSends = 0;
  let allSends = 0;
  const sending = pace(plan.sendsPerSec, (warmup + duration) * 1000, () => {
    for (let tries = 0; tries < n; tries++) {
      const s = plan.senders[next];
      next = (next + 1) % n;
      if (s.sock.closed) continue;
      const now = performance.now();
      if (now >= c.from && now < c.to) windowSends++;
      allSends++;
      s.send();
      return;
    }
  });
  if (warmup > 0) ctx.rec.status(`${phaseName}: warm-up ${warmup} s`);
  await sleep(warmup * 1000);
  ctx.rec.begin(phaseName, plan.unit, duration);
  c.from = performance.now();
  c.to = c.from + duration * 1000;
  await sending;
  ctx.rec.status(`${phaseName}: draining`);
  await drain(() => c.received, allSends * plan.fanout);
  const expected = windowSends * plan.fanout;
  ctx.rec.extra("offered/s", Math.round(plan.sendsPerSec * plan.fanout));
  ctx.rec.extra("loss %", expected === 0 ? 0 : Math.max(0, (1 - c.inWindow / expected) * 100));
  ctx.rec.extra("closed sockets", c.closed);
  ctx.rec.end(duration);
}
