// Owns the realtime layer's settings, read once from the validated config (Nakama's key names).
import type { Config } from "../config/schema.js";

export interface RealtimeSettings {
  /** config `name`: the node name in authoritative match ids. */
  readonly node: string;
  /** socket.outgoing_queue_size: messages that may wait for a slow client before it is closed. */
  readonly outgoingQueueSize: number;
  /** socket.write_wait_ms: how long the client may leave our writes untaken before it is closed. */
  readonly writeWaitMs: number;
  /** socket.ping_period_ms */
  readonly pingPeriodMs: number;
  /** socket.pong_wait_ms: silence (no pong, no message) after which the socket is closed. */
  readonly pongWaitMs: number;
  /** socket.ping_backoff_threshold: messages in a ping period that make the next ping unnecessary. */
  readonly pingBackoffThreshold: number;
  /** socket.max_inbound_per_sec (Troupe): 0 disables the inbound rate limit. */
  readonly maxInboundPerSec: number;
  /**
   * Most inbound frames waiting for their session actor before the socket is closed (a memory bound:
   * at most this many × socket.max_message_size_bytes per session). The transport delivers every frame
   * of a socket read at once, so this must exceed one read's worth of small frames.
   */
  readonly maxInboxFrames: number;
  readonly singleSocket: boolean;
  readonly singleMatch: boolean;
  /** session.encryption_key: signs match tokens. */
  readonly encryptionKey: string;
}

export function realtimeSettingsFrom(config: Config): RealtimeSettings {
  const s = config.socket;
  return Object.freeze({
    node: config.name,
    outgoingQueueSize: s.outgoing_queue_size,
    writeWaitMs: s.write_wait_ms,
    pingPeriodMs: s.ping_period_ms,
    pongWaitMs: s.pong_wait_ms,
    pingBackoffThreshold: s.ping_backoff_threshold,
    maxInboundPerSec: s.max_inbound_per_sec,
    // Frames waiting to be handled per session; bounded whatever the rate limit is.
    maxInboxFrames: Math.max(1024, Math.min(4096, 2 * s.max_inbound_per_sec)),
    singleSocket: config.session.single_socket,
    singleMatch: config.session.single_match,
    encryptionKey: config.session.encryption_key,
  });
}
