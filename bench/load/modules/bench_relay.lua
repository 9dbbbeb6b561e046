-- The authoritative match the load tool's "authoritative" workload drives (module name "bench_relay"):
-- each tick, every input received is sent to every member, the sender included, unchanged.
-- params.tick_rate sets the tick rate (default 10).
local M = {}

function M.match_init(_, params)
  return { size = 0 }, (params and params.tick_rate) or 10, '{"bench":"relay"}'
end

function M.match_join_attempt(_, _, _, state)
  return state, true
end

function M.match_join(_, _, _, state, presences)
  state.size = state.size + #presences
  return state
end

function M.match_leave(_, _, _, state, presences)
  state.size = state.size - #presences
  return state
end

function M.match_loop(_, dispatcher, _, state, messages)
  for _, m in ipairs(messages) do
    dispatcher.broadcast_message(m.op_code, m.data, nil, m.sender)
  end
  return state
end

function M.match_terminate(_, _, _, state)
  return state
end

function M.match_signal(_, _, _, state, data)
  return state, data
end

return M
