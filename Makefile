# Entry points that work on a fresh Debian machine: each installs what it needs first.
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?= -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: deps configure build test demo bench uncertainty-check pretrain-check tune-check generative-check clean

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

clean:
	rm -rf $(BUILD)
