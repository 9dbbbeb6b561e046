-- Server code the load tool (bench/load) relies on, as a plain Nakama Lua module: a local Troupe server
-- started by the tool loads this folder, and copying this file into a Nakama's modules folder gives that
-- server the same code, so the two can be compared under one load (troupe-bench … --compare):
--   leaderboard "bench"   the leaderboard workload's default --board
--   rpc "echo"            returns its payload (rpc-http / rpc-socket's default --rpc-id)
-- For the authoritative workload copy test/fixtures/modules/matches/lua_relay.lua and lua_rpc.lua as well
-- (its defaults for --runtime lua: --create-rpc lua_create --match-module lua_relay).
local nk = require("nakama")

nk.leaderboard_create("bench", false, "desc", "best", nil, { source = "troupe-bench" }, true)

nk.register_rpc(function(_, payload)
  return payload
end, "echo")
