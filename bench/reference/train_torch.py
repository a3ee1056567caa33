"""PyTorch references for the training-throughput benchmarks, one thread, the same shapes
as bench/trainWorker.ts. Prints {"tokens_per_second": ...}.
  lstm-lm:  embedding 2000x128, LSTM 256, T=20, B=64, Adam, cross-entropy over 2000 words
  seq2seq:  GRU 128 encoder-decoder with dot (Luong) attention, S=12, 11 target steps, B=64
  transformer-lm: 2 pre-LN layers, d=128, 4 heads, FFN 512, causal, T=32, B=32, tied output"""
import argparse, json, time
import torch
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument('workload')
p.add_argument('--seconds', type=float, default=5)
a = p.parse_args()
torch.set_num_threads(1)
torch.manual_seed(0)
V = 2000

if a.workload == 'lstm-lm':
    B, T = 64, 20
    emb, lstm, out = nn.Embedding(V, 128), nn.LSTM(128, 256), nn.Linear(256, V)
    params = list(emb.parameters()) + list(lstm.parameters()) + list(out.parameters())
    ids = torch.randint(4, V, (T, B)); labels = torch.randint(4, V, (T * B,))
    def loss():
        h, _ = lstm(emb(ids))
        return nn.functional.cross_entropy(out(h.reshape(T * B, 256)), labels)
    tokens = B * T
elif a.workload == 'transformer-lm':
    B, T, d = 32, 32, 128
    emb = nn.Embedding(V, d)
    layers = nn.ModuleList([nn.TransformerEncoderLayer(d, 4, 4 * d, dropout=0.0, batch_first=True, norm_first=True) for _ in range(2)])
    norm = nn.LayerNorm(d)
    outb = nn.Parameter(torch.zeros(V))
    pos = torch.arange(T)[:, None]
    div = torch.pow(10000.0, torch.arange(0, d, 2) / d)
    pe = torch.zeros(T, d); pe[:, 0::2] = torch.sin(pos / div); pe[:, 1::2] = torch.cos(pos / div)
    causal = torch.triu(torch.full((T, T), float('-inf')), 1)
    params = list(emb.parameters()) + list(layers.parameters()) + list(norm.parameters()) + [outb]
    ids = torch.randint(4, V, (B, T)); labels = torch.randint(4, V, (B * T,))
    def loss():
        x = emb(ids) * d ** 0.5 + pe
        for layer in layers:
            x = layer(x, src_mask=causal)
        logits = norm(x).reshape(B * T, d) @ emb.weight.T + outb
        return nn.functional.cross_entropy(logits, labels)
    tokens = B * T
else:
    B, S, T = 64, 12, 11
    H = 128
    semb, temb = nn.Embedding(V, 128), nn.Embedding(V, 128)
    enc, dec = nn.GRU(128, H, batch_first=True), nn.GRUCell(128, H)
    comb, out = nn.Linear(2 * H, H, bias=False), nn.Linear(H, V)
    params = [p for m in (semb, temb, enc, dec, comb, out) for p in m.parameters()]
    src = torch.randint(4, V, (B, S)); tgt_in = torch.randint(4, V, (B, T)); tgt_out = torch.randint(4, V, (B, T))
    def loss():
        states, last = enc(semb(src))          # [B, S, H]
        s = last[0]
        outs = []
        for t in range(T):
            s = dec(temb(tgt_in[:, t]), s)
            alpha = torch.softmax((states @ s[:, :, None])[:, :, 0], 1)
            ctx = (alpha[:, :, None] * states).sum(1)
            outs.append(torch.tanh(comb(torch.cat([ctx, s], 1))))
        logits = out(torch.stack(outs, 0).reshape(T * B, H))
        return nn.functional.cross_entropy(logits, tgt_out.T.reshape(-1))
    tokens = B * T

opt = torch.optim.Adam(params, 1e-3)
def step():
    opt.zero_grad(); l = loss(); l.backward()
    torch.nn.utils.clip_grad_norm_(params, 5); opt.step()
for _ in range(3):
    step()
t0 = time.perf_counter(); n = 0
while time.perf_counter() - t0 < a.seconds:
    step(); n += tokens
print(json.dumps({"tokens_per_second": n / (time.perf_counter() - t0)}))
