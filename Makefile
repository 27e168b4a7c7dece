# selfmail.smtp — everything a developer or CI runs goes through these targets.
# `make test` is the one command CI runs (.ci/run).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV    := .venv
BIN     := $(VENV)/bin
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
PYTHON  ?= python3
COLL    := .collections/ansible_collections/selfmail/smtp
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PATH := $(CURDIR)/$(BIN):$(PATH)

# Debian packages the tests use on this machine (the lab installs its own).
HOST_PACKAGES := knot knot-dnsutils bind9-dnsutils shellcheck git
# Only for `make molecule-vm`.
VM_PACKAGES := qemu-system-x86 qemu-utils openssh-client

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

.PHONY: host-deps
host-deps: ## Install the system packages the lab and tests need (root)
	lab/lab setup-host
	@missing=$$(for p in $(HOST_PACKAGES); do dpkg-query -W -f '$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(COLL):
	mkdir -p $(dir $(COLL))
	ln -sfn ../../.. $(COLL)

.PHONY: venv
venv: $(BIN)/.installed $(COLL) ## Create .venv and link this checkout as selfmail.smtp

# ---- the lab ---------------------------------------------------------------
.PHONY: lab-up lab-down lab-status lab
lab-up: venv ## Start the lab (ns, acme, rx, mx1, mx2); builds images once
	lab/lab up

lab-down: ## Stop the lab and remove its state (the image cache stays)
	lab/lab down

lab-status: ## Show the lab's containers
	lab/lab status

lab: lab-up ## Fresh mail hosts, site.yml, then a test mail from each: rx's verdicts printed
	lab/lab reset
	$(BIN)/ansible-playbook site.yml -i inventory
	$(BIN)/ansible-playbook molecule/default/verify.yml -i inventory

# ---- tests -----------------------------------------------------------------
.PHONY: lint sanity units integration ee lab-test molecule test
lint: venv ## ansible-lint (production profile), ruff, shellcheck
	$(BIN)/ansible-lint --profile production
	$(BIN)/ruff check .
	shellcheck -x lab/lab lab/images.sh lab/vm/vm .ci/run tests/ansible-test.sh

sanity: venv ## ansible-test sanity on the plugins
	tests/ansible-test.sh sanity --python $$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')

units: venv ## Unit tests of the plugins
	$(BIN)/pytest -q tests/unit

integration: venv ## The modules against a real DNS server on loopback
	$(BIN)/pytest -q tests/integration

lab-test: lab-up ## The lab's own parts, proven against the running lab
	$(BIN)/pytest -q tests/lab

MOLECULE_SCENARIOS ?= default ubuntu_base ipv6_netplan acme chasquid mail_dns
molecule: lab-up ## Molecule scenarios, one after another (2 cores)
	for s in $(MOLECULE_SCENARIOS); do $(BIN)/molecule test -s $$s || exit 1; done

test: lint sanity units integration ee lab-test molecule ## Everything CI runs, in order

.PHONY: site-test reliability
site-test: ## Security tests of the converged lab site (after make lab; part of its verify step)
	$(BIN)/pytest -q -s tests/site

reliability: ## Load, restart, renewal, ACME-down and lost-account tests of the converged lab site (after make lab; about 15 min)
	mkdir -p build
	$(BIN)/pytest -q -s tests/reliability

.PHONY: molecule-vm
molecule-vm: lab-up ## ipv6_netplan with a real `netplan apply` in a qemu VM (about 25 min under emulation)
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(VM_PACKAGES) >/dev/null
	$(BIN)/molecule test -s ipv6_netplan_vm

# ---- other -----------------------------------------------------------------
.PHONY: bench build clean
bench: lab-up ## Benchmarks on the lab (resets its mail hosts): figures printed and written to build/bench-*.json
	mkdir -p build
	$(BIN)/python bench/dns_checks.py --json build/bench-dns.json
	$(BIN)/python bench/converge.py --json build/bench-converge.json
	$(BIN)/python bench/throughput.py --json build/bench-throughput.json

build: venv ## Build the collection tarball into build/
	mkdir -p build
	$(BIN)/ansible-galaxy collection build --force --output-path build .

ee: build ## The execution environment's build context (ansible-builder create) in build/ee
	rm -rf build/ee
	$(BIN)/ansible-builder create -f execution-environment.yml -c build/ee
	test -s build/ee/_build/collections/selfmail-smtp-$(VERSION).tar.gz

clean: ## Remove build outputs (not .venv, not the lab)
	rm -rf build tests/output .pytest_cache .ruff_cache
