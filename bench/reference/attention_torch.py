"""PyTorch reference for the attention benchmark: a Transformer of the embedded model's shape
(2 + 2 layers, d 64, 4 heads, FFN 128, pre-LN) built from nn.MultiheadAttention, its forward pass
over a source of S tokens and a target of T, with every head's weights returned
(need_weights=True, average_attn_weights=False), as the lens needs. One thread, median ms."""
import argparse, json, time
import torch
from torch import nn

p = argparse.ArgumentParser()
p.add_argument('--source', type=int, default=60)
p.add_argument('--target', type=int, default=61)
p.add_argument('--repeats', type=int, default=40)
a = p.parse_args()
torch.set_num_threads(1)
torch.manual_seed(0)
d, h, ff, L = 64, 4, 128, 2

class Block(nn.Module):
    def __init__(self, cross):
        super().__init__()
        self.self_attn = nn.MultiheadAttention(d, h, batch_first=True)
        self.cross = nn.MultiheadAttention(d, h, batch_first=True) if cross else None
        self.n1, self.n2, self.n3 = nn.LayerNorm(d), nn.LayerNorm(d), nn.LayerNorm(d)
        self.ffn = nn.Sequential(nn.Linear(d, ff), nn.ReLU(), nn.Linear(ff, d))
    def forward(self, x, mem=None, mask=None, probes=None):
        n = self.n1(x)
        y, w = self.self_attn(n, n, n, attn_mask=mask, need_weights=True, average_attn_weights=False)
        probes.append(w); x = x + y
        if self.cross is not None:
            n = self.n2(x)
            y, w = self.cross(n, mem, mem, need_weights=True, average_attn_weights=False)
            probes.append(w); x = x + y
        return x + self.ffn(self.n3(x))

enc = nn.ModuleList([Block(False) for _ in range(L)])
dec = nn.ModuleList([Block(True) for _ in range(L)])
emb_s, emb_t = nn.Embedding(100, d), nn.Embedding(100, d)
src = torch.randint(4, 100, (1, a.source)); tgt = torch.randint(4, 100, (1, a.target))
causal = torch.triu(torch.full((a.target, a.target), float('-inf')), diagonal=1)

def forward():
    probes = []
    x = emb_s(src)
    for b in enc: x = b(x, probes=probes)
    y = emb_t(tgt)
    for b in dec: y = b(y, mem=x, mask=causal, probes=probes)
    return probes

with torch.no_grad():
    for _ in range(5): forward()
    times = []
    for _ in range(a.repeats):
        t0 = time.perf_counter(); forward(); times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(json.dumps({'median_ms': times[len(times) // 2], 'torch': torch.__version__}))
