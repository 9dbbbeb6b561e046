// Owns the chat side of group events (the groups service's GroupChannelPort): a stored group event
// message (join, add, leave, kick, promote, ban, demote) goes to everyone on the group's channel, and
// users who stopped being members lose their presences on it, as Nakama untracks them.
import type { api } from "../../../proto/index.js";
import type { GroupChannelPort } from "../../services/groups/index.js";
import type { RealtimeCore } from "../core.js";
import { StreamMode, streamId } from "../tracker.js";

export function groupChannelPort(core: RealtimeCore): GroupChannelPort {
  return {
    message(groupId: string, message: api.ChannelMessage): void {
      core.sendToStream(streamId(StreamMode.GROUP, groupId), { channel_message: message });
    },
    removed(groupId: string, userIds: readonly string[]): void {
      const stream = streamId(StreamMode.GROUP, groupId);
      const gone = new Set(userIds);
      for (const p of core.tracker.list(stream, true, true)) {
        if (gone.has(p.userId)) core.tracker.untrack(p.sessionId, stream);
      }
    },
  };
}
