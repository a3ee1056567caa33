"""PyTorch reference for the seq2seq lens benchmark: the embedded model's shapes (GRU 64 encoder-
decoder with Luong dot attention, embedding 32, vocabularies 62 and 67), a 20-word sentence; one
free-running greedy decoding (--free-steps, as many as SeqLens's output took) keeping each step's top 5, attention and context, then one
teacher-forced pass over a 20-word reference (the decoder GRU over the whole reference, attention
for all steps at once) with each reference word's log-probability; one thread.
Prints {"median_ms": ...}."""
import argparse, json, statistics, time
import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(0)
ap = argparse.ArgumentParser()
ap.add_argument("--free-steps", type=int, default=20, help="free-running steps (the output's words and </s>)")
FREE = ap.parse_args().free_steps
VS, VT, E, H, S, T = 62, 67, 32, 64, 20, 20
semb, temb = nn.Embedding(VS, E), nn.Embedding(VT, E)
enc, dec, dec_seq = nn.GRU(E, H, batch_first=True), nn.GRUCell(E, H), nn.GRU(E, H, batch_first=True)
comb, out = nn.Linear(2 * H, H, bias=False), nn.Linear(H, VT)
src = torch.randint(4, VS, (1, S))
ref = torch.randint(4, VT, (1, T))

@torch.no_grad()
def lens():
    states, last = enc(semb(src))
    # Free-running: greedy, top-5, attention and context per step.
    s, prev = last[0], torch.tensor([2])
    steps = []
    for _ in range(FREE):
        s = dec(temb(prev), s)
        alpha = torch.softmax((states @ s[:, :, None])[:, :, 0], 1)
        ctx = (alpha[:, :, None] * states).sum(1)
        logp = torch.log_softmax(out(torch.tanh(comb(torch.cat([ctx, s], 1)))), 1)
        top = torch.topk(logp, 5)
        prev = top.indices[:, 0]
        steps.append((top.values.exp().tolist(), top.indices.tolist(), alpha.tolist(), ctx.tolist()))
    # Teacher-forced: <s> + reference in, every step at once.
    inp = torch.cat([torch.tensor([[2]]), ref[:, :-1]], 1)
    hs, _ = dec_seq(temb(inp), last)
    alpha = torch.softmax(hs @ states.transpose(1, 2), 2)
    ctx = alpha @ states
    logp = torch.log_softmax(out(torch.tanh(comb(torch.cat([ctx, hs], 2)))), 2)
    ref_logp = logp.gather(2, ref[:, :, None])[0, :, 0].tolist()
    return steps, ref_logp

for _ in range(20):
    lens()
times = []
for _ in range(200):
    t0 = time.perf_counter(); lens(); times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"median_ms": statistics.median(times)}))
