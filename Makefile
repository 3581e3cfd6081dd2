# certfn — the two commands of README: `make run` and `make test`.
.PHONY: run test test-fresh test-under-load demo bench build clean native-check native-test

# A local Pebble + Knot and certfn against them; prints a dev API key and a curl line.
run: build
	dev/run.sh

# Installs what the tests need on a fresh Debian machine, then runs the whole suite. What a stock
# Debian 12 lacks (moto, Node 20) goes under .run/ (dev/test-runtimes.sh), first on PATH here.
test: export PATH := $(CURDIR)/.run/venv/bin:$(CURDIR)/.run/node/bin:$(PATH)
test:
	dev/stack.sh install
	# The import layers (no cycle, arrows only downward), before anything is built.
	dev/check-imports.py
	dev/test-runtimes.sh
	npm ci --prefix src/test/oidc-provider --no-audit --no-fund --loglevel=error
	npm ci --prefix src/test/azurite --no-audit --no-fund --loglevel=error
	./mvnw -B verify
	dev/check-skips.py
	# The clouds' own checkers: cfn-lint over the SAM template, shellcheck over every script, gcloud's upload list.
	dev/check-deploy.sh
	# The Lambda build: its adapter driven with Function URL events through Quarkus' mock event server, and the
	# packaged function.zip run by Lambda's own Java runtime client against a local Runtime API (a forged invoke).
	./mvnw -B -Paws verify -Dtest='FunctionUrl*Test,ScheduledRenewal*Test' -Dsurefire.failIfNoSpecifiedTests=false -Dit.test='FunctionUrl*IT'
	dev/check-skips.py
	# The Azure Functions build: the packaged app driven through the Java worker's request model.
	./mvnw -B -Pazure verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test='AzureFunctionsIT'
	dev/check-skips.py
	# Native readiness of the Cloud Run and Lambda builds, where the native-check tool exists (the team's
	# machines); elsewhere one line says it was not run (README: native builds where GraalVM exists).
	@if [ -n "$(NATIVE_CHECK)" ]; then $(MAKE) native-check; else echo "make test: SKIPPED native-check: ../shared/native-check is not here (set NATIVE_CHECK=<path> to run it)"; fi

# README's two commands on a stock Debian 12 built with debootstrap (root; long: a first Maven
# download and the whole suite). Not part of `make test`. Its last line says how it ended.
test-fresh:
	dev/fresh-machine.sh

# The suite while stress-ng keeps both cores busy, RUNS times in a row (default 3): what a shared CI
# machine does to timing. Stops at the first failure; the logs are in .run/under-load-N.log.
RUNS ?= 3
test-under-load:
	dev/test-under-load.sh $(RUNS)

# The run stack, non-interactive: one certificate through the API, verified with openssl.
demo: build
	dev/demo.sh

# Speed and memory, side by side in one run (see bench/README.md); about 15 minutes.
bench:
	bench/run.sh

build:
	./mvnw -q -B package -DskipTests

# GraalVM's analysis and compile over both function builds (no native binary can be linked
# here): the Cloud Run build from native sources, the Lambda build through Maven. ~6 minutes.
# Before it, dev/native-registrations.py checks that the build keeps the classes and files certfn
# reaches by reflection or as resources at run time, which the compile cannot see.
NATIVE_CHECK ?= $(firstword $(wildcard ../shared/native-check/native-check /work/shared/native-check/native-check))
native-check:
	@test -n "$(NATIVE_CHECK)" || { echo "make native-check: the native-check tool (../shared/native-check) was not found; set NATIVE_CHECK=<path>" >&2; exit 1; }
	./mvnw -B -q clean package -Pgcp -DskipTests -Dquarkus.native.enabled=true -Dquarkus.native.sources-only=true
	dev/native-registrations.py target/native-sources
	$(NATIVE_CHECK) target/native-sources
	$(NATIVE_CHECK) --maven -Paws

# Release builds: the real native executables where GraalVM's native-image or docker/podman exists, and
# the packaged integration tests run against the Cloud Run and custom-handler binaries. Stops with a
# message elsewhere (no native binary can be built on this project's machines).
native-test:
	dev/native-test.sh

clean:
	./mvnw -q -B clean
	rm -rf .run
