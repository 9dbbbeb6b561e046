// Owns the table of workloads the load tool knows, by name.
import type { Workload, WorkloadName } from "../types.js";
import { auth } from "./auth.js";
import { leaderboard } from "./leaderboard.js";
import { authoritative, relay } from "./matches.js";
import { rpcHttp, rpcSocket } from "./rpc.js";
import { idleCcu, matchmaker } from "./sockets.js";
import { storage } from "./storage.js";

export const workloads: Readonly<Record<WorkloadName, Workload>> = {
  auth,
  "rpc-http": rpcHttp,
  "rpc-socket": rpcSocket,
  relay,
  authoritative,
  "idle-ccu": idleCcu,
  matchmaker,
  storage,
  leaderboard,
};
