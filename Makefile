# WeChat Relay: the two commands are `make run` and `make test`.
.PHONY: run chat test test-redis-tls build deps bench bench-redis bench-ingress bench-worker bench-e2e fuzz clean check-deploy smoke smoke-compose lint format

run: deps
	swift build -c release $(SWIFT_BUILD_FLAGS)
	bash scripts/run.sh

# A second terminal's half of the demo: chat as one WeChat user with what `make run` started
# (`make chat ACCOUNT=shop`: one of examples/accounts.yaml's accounts, on /wechat/{appid}).
chat:
	"$$(swift build -c release $(SWIFT_BUILD_FLAGS) --show-bin-path)/wxsim" chat $(if $(ACCOUNT),--account $(ACCOUNT))

test:
	bash scripts/test.sh

# The relay through a stunnel client to a TLS-only redis-server, on loopback (the TLS sidecar's path).
test-redis-tls: deps
	bash scripts/test-redis-tls.sh

build: deps
	swift build

deps:
	bash scripts/deps.sh

# Every benchmark in one run; rewrites BENCHMARKS.md.
bench: deps
	bash scripts/bench.sh

bench-redis: deps
	bash scripts/bench-redis.sh

bench-ingress: deps
	bash scripts/bench-ingress.sh

bench-worker: deps
	bash scripts/bench-worker.sh

# Static checks of deploy/, docker-compose.yml and the dashboard (hadolint, docker-compose, kustomize, schemas).
check-deploy:
	bash scripts/check-deploy.sh

# swift-format (shipped with the toolchain) with .swift-format: `make lint` checks, as CI does; `make format` rewrites.
lint:
	swift format lint --strict --recursive Sources Tests Benchmarks

format:
	swift format --in-place --recursive Sources Tests Benchmarks

# Builds the image with podman and runs redis + ingress + 2 workers + wxsim api in containers (slow; not in CI).
smoke:
	bash deploy/smoke.sh

# docker-compose.yml run by docker-compose against podman's Docker API, with the images `make smoke` built.
smoke-compose:
	bash deploy/compose-smoke.sh

bench-e2e: deps
	bash scripts/bench-e2e.sh

fuzz:
	bash Fuzz/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf .build .run
