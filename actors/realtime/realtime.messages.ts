// Owns the message union of the presence actor (the tracker's event dispatcher).
export type RealtimeMsg =
  /** The tracker queued presence events: dispatch everything queued so far. */
  { readonly type: "presence-events" };

export const PRESENCE_EVENTS: RealtimeMsg = Object.freeze({ type: "presence-events" });
