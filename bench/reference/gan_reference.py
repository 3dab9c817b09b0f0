#!/usr/bin/python3
"""The conditional WGAN-GP of src/gen/gan.cpp (configs/gan.toml sizes) in python3-torch,
timed on toy shapes: training samples/s at a given thread count, to compare with the C++
figure printed by

  test_gen_models --gtest_also_run_disabled_tests --gtest_filter='Throughput*'
  (WL_GEN_BENCH_L, WL_GEN_BENCH_C, WL_GEN_BENCH_BATCH set the same sizes)

Usage: gan_reference.py [--samples 256] [--conditions 2] [--batch 128] [--steps 100]
                        [--threads 2] [--json OUT.json]

Same networks: generator [z, c] -> linear -> (64, L/4) -> per level conv (with c as constant
channels) and, except at full length, linear x2 upsample + conv -> conv to one channel;
LeakyReLU 0.2. Critic: stride-2 convs 16/32/64 on the trace with c as channels -> linear on
[features, c]. Kernel 7, latent 32. Same step: one critic update per batch (gradient penalty
on interpolates, weight 10, drift 1e-3 E[D(real)^2]), the generator every critic_steps-th
step, an EMA (0.999) of the generator after each generator update, Adam(2e-4, betas 0/0.9).
Samples/s counts the real samples per critic update, as the C++ figure does.
"""
import argparse
import copy
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

CH, K, LATENT, GP_WEIGHT, DRIFT, CRITIC_STEPS, EMA = [16, 32, 64], 7, 32, 10.0, 1e-3, 5, 0.999


def cat_c(h, c):
    return torch.cat([h, c[:, :, None].expand(-1, -1, h.shape[2])], 1)


class Generator(nn.Module):
    def __init__(self, L, C):
        super().__init__()
        self.start = L >> (len(CH) - 1)
        self.fc = nn.Linear(LATENT + C, CH[-1] * self.start)
        self.refine = nn.ModuleList(nn.Conv1d(CH[i] + C, CH[i], K, 1, K // 2) for i in reversed(range(len(CH))))
        self.up = nn.ModuleList(nn.Conv1d(CH[i] + C, CH[i - 1], K, 1, K // 2) for i in reversed(range(1, len(CH))))
        self.out = nn.Conv1d(CH[0], 1, K, 1, K // 2)

    def forward(self, z, c):
        h = F.leaky_relu(self.fc(torch.cat([z, c], 1)), 0.2).view(z.shape[0], -1, self.start)
        for j, conv in enumerate(self.refine):
            h = F.leaky_relu(conv(cat_c(h, c)), 0.2)
            if j == len(self.refine) - 1:
                break
            h = F.interpolate(h, scale_factor=2.0, mode="linear", align_corners=False)
            h = F.leaky_relu(self.up[j](cat_c(h, c)), 0.2)
        return self.out(h)[:, 0]


class Critic(nn.Module):
    def __init__(self, L, C):
        super().__init__()
        ins = [1 + C] + CH[:-1]
        self.convs = nn.ModuleList(nn.Conv1d(i, o, K, 2, K // 2) for i, o in zip(ins, CH))
        n = L
        for _ in CH:
            n = (n + 1) // 2
        self.head = nn.Linear(CH[-1] * n + C, 1)

    def forward(self, x, c):
        h = cat_c(x[:, None], c)
        for conv in self.convs:
            h = F.leaky_relu(conv(h), 0.2)
        return self.head(torch.cat([h.flatten(1), c], 1))[:, 0]


def toy(batch, L, C, gen):
    """Smooth steps with random rise position and a width growing with c[:, 0]."""
    c = torch.rand(batch, C, generator=gen)
    rise = (0.35 + 0.2 * torch.rand(batch, 1, generator=gen)) * L
    width = (1.0 + 4.0 * c[:, :1]) * L / 64.0
    s = torch.arange(L, dtype=torch.float32)[None]
    return torch.sigmoid((s - rise) / width) + 0.01 * torch.randn(batch, L, generator=gen), c


def train_step(G, D, avg, opt_g, opt_d, x, c, step):
    with torch.no_grad():
        fake = G(torch.randn(x.shape[0], LATENT), c)
    mix = torch.rand(x.shape[0], 1)
    interp = (mix * x + (1 - mix) * fake).requires_grad_(True)
    grad = torch.autograd.grad(D(interp, c).sum(), interp, create_graph=True)[0]
    gp = (grad.norm(2, dim=1) - 1).pow(2).mean()
    d_real, d_fake = D(x, c), D(fake, c)
    loss = d_fake.mean() - d_real.mean() + GP_WEIGHT * gp + DRIFT * d_real.pow(2).mean()
    opt_d.zero_grad()
    loss.backward()
    opt_d.step()
    if (step + 1) % CRITIC_STEPS == 0:
        for p in D.parameters():
            p.requires_grad_(False)
        g_loss = -D(G(torch.randn(x.shape[0], LATENT), c), c).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        for p in D.parameters():
            p.requires_grad_(True)
        with torch.no_grad():
            for pa, pg in zip(avg.parameters(), G.parameters()):
                pa.mul_(EMA).add_(pg, alpha=1 - EMA)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=256)
    ap.add_argument("--conditions", type=int, default=2)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    gen = torch.Generator().manual_seed(2)
    G, D = Generator(a.samples, a.conditions), Critic(a.samples, a.conditions)
    avg = copy.deepcopy(G).requires_grad_(False)
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.0, 0.9))
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.0, 0.9))
    x, c = toy(a.batch, a.samples, a.conditions, gen)
    for step in range(5):  # warm-up (allocator, first Adam state)
        train_step(G, D, avg, opt_g, opt_d, x, c, step)
    t0 = time.perf_counter()
    for step in range(a.steps):
        train_step(G, D, avg, opt_g, opt_d, x, c, step)
    rate = a.batch * a.steps / (time.perf_counter() - t0)
    params = sum(p.numel() for p in G.parameters()) + sum(p.numel() for p in D.parameters())
    out = {"samples": a.samples, "conditions": a.conditions, "batch": a.batch, "parameters": params,
           "train_samples_per_s": rate, "threads": a.threads, "torch": torch.__version__}
    print(json.dumps(out))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f)


if __name__ == "__main__":
    main()
