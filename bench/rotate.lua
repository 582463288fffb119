-- wrk script of the Escales benchmarks: cycles through prepared requests.
--
-- bench/harness.py (lua_script) writes the requests in where the marker is and
-- runs wrk with a copy of this file. Each entry is
--   {method = ..., path = ..., headers = {...}[, body_head = ..., body_tail = ...]}
-- When an entry has a body, the body sent is body_head .. KEY .. body_tail, with a
-- KEY unique to this request: the run's nonce, the wrk thread number and the
-- thread's request counter (so every quiz submission has its own idempotency key).

local entries = {
--@@REQUESTS@@
}
local nonce = "@@NONCE@@"

-- setup() runs in the main Lua state: number the threads (and tell each the count).
local thread_count = 0
local threads = {}

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
  table.insert(threads, thread)
  for _, t in ipairs(threads) do
    t:set("thread_total", thread_count)
  end
end

-- Everything below runs in each thread's own Lua state.
local counter = 0

function request()
  counter = counter + 1
  -- threads interleave, so two threads do not send the same entry at the same time
  local index = ((counter - 1) * (thread_total or 1) + ((thread_id or 1) - 1)) % #entries + 1
  local entry = entries[index]
  local body = nil
  if entry.body_tail then
    local key = "wrk-" .. nonce .. "-" .. (thread_id or 1) .. "-" .. counter
    body = entry.body_head .. key .. entry.body_tail
  end
  return wrk.format(entry.method, entry.path, entry.headers, body)
end
