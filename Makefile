# Replica — the two commands a newcomer needs:
#   make demo   set up, build release, run the tour notebook (writes a figure)
#   make test   set up and run every test (format lint, unit and end-to-end tests,
#               example scripts, notebook checks)

SHELL := /bin/bash
export OPENBLAS_NUM_THREADS ?= 1
SWIFT ?= swift
SWIFTFLAGS ?=

.PHONY: setup build release demo test unit lint format coverage bench fuzz clean

setup:
	@scripts/setup.sh

build: setup
	$(SWIFT) build $(SWIFTFLAGS)

release: setup
	$(SWIFT) build -c release $(SWIFTFLAGS)

demo: release
	@scripts/demo.sh

test: setup lint
	$(SWIFT) build $(SWIFTFLAGS)
	@scripts/setup-python.sh
	$(SWIFT) test $(SWIFTFLAGS)
	@scripts/check-scripts.sh

unit: setup
	$(SWIFT) test $(SWIFTFLAGS)

lint:
	$(SWIFT) format lint --strict -r Package.swift Sources Tests bench/Sources

format:
	$(SWIFT) format -i -r Package.swift Sources Tests bench/Sources

coverage: setup
	@scripts/coverage.sh

bench: release
	@bench/run.sh

fuzz: setup
	@scripts/fuzz.sh

clean:
	rm -rf .build
