"""PyTorch reference for the greedy-decoding latency benchmark: a GRU 128 encoder-decoder
with dot attention (vocabulary 2000), one 12-token sentence, 12 decoding steps with argmax,
returning the tokens and the 12x12 attention matrix; one thread. Prints {"median_ms": ...}."""
import json, statistics, time
import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(0)
V, E, H, S, STEPS = 2000, 128, 128, 12, 12
semb, temb = nn.Embedding(V, E), nn.Embedding(V, E)
enc, dec = nn.GRU(E, H, batch_first=True), nn.GRUCell(E, H)
comb, out = nn.Linear(2 * H, H, bias=False), nn.Linear(H, V)
src = torch.randint(4, V, (1, S))

@torch.no_grad()
def decode():
    states, last = enc(semb(src))
    s, prev = last[0], torch.tensor([2])
    ids, att = [], []
    for _ in range(STEPS):
        s = dec(temb(prev), s)
        alpha = torch.softmax((states @ s[:, :, None])[:, :, 0], 1)
        ctx = (alpha[:, :, None] * states).sum(1)
        logits = out(torch.tanh(comb(torch.cat([ctx, s], 1))))
        prev = logits.argmax(1)
        ids.append(prev); att.append(alpha)
    return torch.cat(ids).tolist(), torch.cat(att).numpy()

for _ in range(20):
    decode()
times = []
for _ in range(200):
    t0 = time.perf_counter(); decode(); times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"median_ms": statistics.median(times)}))
