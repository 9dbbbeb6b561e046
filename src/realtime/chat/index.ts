// Owns the public surface of realtime chat: the socket handlers (channel_join/leave, message
// send/update/remove), the message and history core functions (also what the runtime's nk channel
// functions call), channel ids, and the group channel port the groups service publishes events to.
export { chatHandlers, type ChatHandlerDeps } from "./handlers.js";
export { groupChannelPort } from "./group-port.js";
export {
  HistoryFailure, decodeHistoryCursor, encodeHistoryCursor, listChannelMessages, type HistoryDeps, type HistoryQuery,
} from "./history.js";
export {
  ChannelType, channelIdOf, channelNames, channelStream, dmStream, roomNameProblem, targetUuid, type ChannelNames,
} from "./ids.js";
export {
  ChatFailure, MessageCode, isJsonObjectText, removeMessage, sendMessage, updateMessage, type ChatDeps, type MessageTarget,
} from "./messages.js";
