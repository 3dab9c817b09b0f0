# Entry points that work on a fresh Debian machine: each installs what it needs first.
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?= -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: deps configure build test demo bench bench-models uncertainty-check pretrain-check tune-check generative-check energy-check sim2data-check study clean gpu-check multifile-rss

deps:
	@scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: build
	@scripts/demo $(BUILD)/apps/wavelearn/wavelearn

bench: build
	@scripts/bench $(BUILD)

# Training samples/s of the CNN and transformer presets against the same networks in
# python3-torch (docs/performance.md; about 2 minutes on 2 idle cores with the defaults).
bench-models: build
	@scripts/bench-models $(BUILD)

# The coverage and out-of-distribution figures of docs/uncertainty.md (about 15 minutes).
uncertainty-check: build
	@scripts/uncertainty-check $(BUILD)/apps/wavelearn/wavelearn

# The label-efficiency figures of docs/pretraining.md (about 30 minutes on 2 cores).
pretrain-check: build
	@scripts/pretrain-check $(BUILD)/apps/wavelearn/wavelearn

# The tuning figure of docs/tune.md: 16 tuned trials against the seed preset (20-40 minutes).
tune-check: build
	@scripts/tune-check $(BUILD)/apps/wavelearn/wavelearn

# The generator figures of docs/generative.md: four generators trained on 65,000 events, each
# compared with an independent reference by `wavelearn fidelity` (hours on 2 cores;
# WL_GEN_MODELS, WL_GEN_EVENTS, WL_GEN_EPOCHS shorten it).
generative-check: build
	@scripts/generative-check $(BUILD)/apps/wavelearn/wavelearn

# The energy-resolution figures of docs/energy.md: the corrected energy against the trapezoid
# filter on 65,000 simulated events (a few minutes on 2 cores).
energy-check: build
	@scripts/energy-check $(BUILD)/apps/wavelearn/wavelearn

# The sim-to-data comparison of docs/domain-adaptation.md: source-only, translated-source, DANN,
# fine-tuned and target-trained CNNs on a data-like target, judged against its truth (EVENTS,
# EPOCHS, TRANSLATE=0 shorten it).
sim2data-check: build
	@scripts/sim2data-check $(BUILD)/apps/wavelearn/wavelearn

# The PSD leaderboard of docs/study.md: 5 models x 5 labels x 3 seeds on 65,000 simulated
# events (63 runs; estimated 2-2.5 hours on 2 idle cores, measured 4.6 hours' worth on a
# loaded one; resumes when run again; WL_STUDY_SEEDS="[1]" for one seed).
study: build
	@scripts/study $(BUILD)/apps/wavelearn/wavelearn

# On a machine with an NVIDIA GPU and a CUDA PyTorch: builds against its libtorch (in
# build-gpu, not $(BUILD)), runs tests/gpu and times FCNet/CNN training on the GPU, under
# 8 minutes (docs/training.md "Devices"; the table of docs/performance.md "GPU").
gpu-check:
	@scripts/gpu-check

# Peak memory of `dsp` and `train` on one file vs four files of the same size read as one
# dataset (docs/performance.md; a few minutes, most of it simulating the files once).
multifile-rss: build
	@scripts/multifile-rss $(BUILD)

clean:
	rm -rf $(BUILD)
