"""PyTorch reference for the step-probe benchmark: an LSTM language model of the same
shape, read one token at a time, keeping h, c and the four gates of every step, one
thread. Prints {"median_ms": ...}. Run by bench/run.ts with Debian's python3-torch."""
import argparse, json, statistics, time
import torch

p = argparse.ArgumentParser()
p.add_argument('--tokens', type=int, default=50)
p.add_argument('--units', type=int, default=256)
p.add_argument('--embedding', type=int, default=128)
p.add_argument('--vocab', type=int, default=2000)
p.add_argument('--repeats', type=int, default=100)
a = p.parse_args()
torch.set_num_threads(1)
torch.manual_seed(0)
H = a.units
emb = torch.nn.Embedding(a.vocab, a.embedding)
W = torch.randn(a.embedding, 4 * H) * 0.05
U = torch.randn(H, 4 * H) * 0.05
b = torch.zeros(4 * H)
out = torch.nn.Linear(H, a.vocab)
ids = torch.randint(4, a.vocab, (a.tokens,))

@torch.no_grad()
def probe():
    x = emb(ids) @ W + b                      # [T, 4H]: every step's input projection at once
    h = torch.zeros(1, H); c = torch.zeros(1, H)
    rows = []
    for t in range(a.tokens):
        z = x[t:t + 1] + h @ U
        i, f, g, o = z.chunk(4, 1)
        i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
        c = f * c + i * g
        h = o * c.tanh()
        rows.append(torch.cat([h, c, i, f, g, o], 1))
    states = torch.cat(rows, 0)
    probs = torch.softmax(out(states[:, :H]), 1).topk(5, 1)
    return states.numpy(), probs.values.numpy()

for _ in range(10):
    probe()
times = []
for _ in range(a.repeats):
    t0 = time.perf_counter(); probe(); times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"median_ms": statistics.median(times)}))
