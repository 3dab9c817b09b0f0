import time, numpy as np, torch
import torch.utils.data as data_utils
from torch.utils.data.sampler import SubsetRandomSampler
torch.set_num_threads(1)
N, L = 8192, 1000
rng = np.random.default_rng(1)
raw = (200 + rng.normal(0, 2, (N, 3800))).astype(np.float32)
class DS(torch.utils.data.Dataset):
    def __init__(self):
        self.waveform = raw[:, 500:1500]
        self.label = rng.integers(0, 2, N).astype(np.float32)
    def __len__(self): return N
    def __getitem__(self, idx):
        wf = self.waveform[idx]
        wf = (wf - wf.min()) / (wf.max() - wf.min())
        return wf, self.label[idx]
ds = DS()
for bs in (64, 256):
    idx = list(range(N)); np.random.shuffle(idx)
    loader = data_utils.DataLoader(ds, batch_size=bs, sampler=SubsetRandomSampler(idx), drop_last=True)
    n = 0; t = time.perf_counter()
    while time.perf_counter() - t < 3:
        for x, y in loader:
            n += 1
    dt = time.perf_counter() - t
    print(f"lectures DataLoader batch {bs}: {n/dt:.0f} batches/s, {n*bs/dt/1e3:.1f} k events/s")
