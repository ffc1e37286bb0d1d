-- node_tx.lua - wrk script for bench/node.sh: POST pre-signed distinct txs to /mempool/add/tx
-- usage: wrk -t T -c C -d D -s node_tx.lua URL -- TXS_FILE T
-- Thread i sends lines i, i+T, i+2T, ... of TXS_FILE, each once; then repeats its last one
-- (rejected as a duplicate), so "accepted" counts distinct txs the node admitted.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  txs, sent, accepted, rejected = {}, 0, 0, 0
  local nthreads = tonumber(args[2])
  local index = 0
  for line in io.lines(args[1]) do
    if index % nthreads == id then txs[#txs + 1] = line end
    index = index + 1
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  sent = sent + 1
  return wrk.format(nil, "/mempool/add/tx", nil, txs[math.min(sent, #txs)])
end

function response(status, headers, body)
  if status == 200 then accepted = accepted + 1 else rejected = rejected + 1 end
end

function done(summary, latency, requests)
  local total_accepted, total_rejected, total_txs = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_accepted = total_accepted + thread:get("accepted")
    total_rejected = total_rejected + thread:get("rejected")
    total_txs = total_txs + #thread:get("txs")
  end
  io.write(string.format("BENCH accepted=%d rejected=%d available=%d duration_us=%d\n",
    total_accepted, total_rejected, total_txs, summary.duration))
end
