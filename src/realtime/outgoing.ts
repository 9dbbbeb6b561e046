// Owns "encode once": an outgoing envelope is encoded at most once per wire format, on first demand,
// and the same bytes are then handed to every recipient of that format. JSON is kept as UTF-8 bytes
// (sent as text frames) so no per-recipient string conversion happens in the transport.
import { encodeBinary, rt, toJson, type Init } from "../../proto/index.js";

export type SessionFormat = "json" | "protobuf";

export class Outgoing {
  private json: Uint8Array | null = null;
  private bin: Uint8Array | null = null;

  constructor(private readonly env: Init<rt.Envelope> | null) {}

  /** The envelope being sent (built on demand by subclasses that write their bytes directly). */
  get envelope(): Init<rt.Envelope> {
    return this.env ?? this.build();
  }

  /** Subclasses that pass no envelope to the constructor build it here. */
  protected build(): Init<rt.Envelope> {
    return {};
  }

  /** The encoded envelope for `format`; encoding errors (a bug in the caller's value) throw GameError. */
  bytes(format: SessionFormat): Uint8Array {
    if (format === "protobuf") return (this.bin ??= this.encode(format));
    return (this.json ??= this.encode(format));
  }

  /** Encodes the envelope once for `format` (subclasses may write the same bytes faster). */
  protected encode(format: SessionFormat): Uint8Array {
    if (format === "protobuf") return encodeBinary(rt.Envelope, this.envelope);
    return Buffer.from(toJson(rt.Envelope, this.envelope), "utf8");
  }
}
