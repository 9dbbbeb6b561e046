-- Server code the load tool (bench/load) relies on, as a plain Nakama Lua module: a local Troupe server
-- started by the tool loads this folder, and copying it into a Nakama's modules folder gives that server
-- the same code, so the two can be compared under one load (troupe-bench … --compare).
--   leaderboard "bench"        the leaderboard workload's default --board
--   rpc "bench_echo"           returns its payload (rpc-http / rpc-socket --rpc-id bench_echo)
--   rpc "bench_match_create"   {"module": "...", "params": {...}} → {"match_id": "..."}
--                              (authoritative --create-rpc bench_match_create --match-module bench_relay)
local nk = require("nakama")

nk.leaderboard_create("bench", false, "desc", "best", nil, { source = "troupe-bench" }, true)

nk.register_rpc(function(_, payload)
  return payload
end, "bench_echo")

nk.register_rpc(function(_, payload)
  local req = nk.json_decode(payload)
  local id = nk.match_create(req.module or "bench_relay", req.params or {})
  return nk.json_encode({ match_id = id })
end, "bench_match_create")
