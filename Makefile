# WeChat Relay: the two commands are `make run` and `make test`.
.PHONY: run test build deps bench bench-redis bench-ingress bench-worker fuzz clean check-deploy smoke

run: deps
	swift build -c release $(SWIFT_BUILD_FLAGS)
	bash scripts/run.sh

test:
	bash scripts/test.sh

build: deps
	swift build

deps:
	bash scripts/deps.sh

bench: bench-redis bench-ingress bench-worker

bench-redis: deps
	bash scripts/bench-redis.sh

bench-ingress: deps
	bash scripts/bench-ingress.sh

bench-worker: deps
	bash scripts/bench-worker.sh

# Static checks of deploy/, docker-compose.yml and the dashboard (hadolint, docker-compose, kustomize, schemas).
check-deploy:
	bash scripts/check-deploy.sh

# Builds the image with podman and runs redis + ingress + 2 workers + wxsim api in containers (slow; not in CI).
smoke:
	bash deploy/smoke.sh

fuzz:
	bash Fuzz/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf .build .run
