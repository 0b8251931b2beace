#!/usr/bin/env bash
# make check-deploy: validates the deployment files without a container engine or a cluster.
#   hadolint           deploy/Dockerfile and deploy/stunnel/Dockerfile (any finding fails)
#   ShellCheck         the deploy scripts
#   docker-compose     `config -q` on docker-compose.yml: refused without credentials, valid with .env.example
#                      and with deploy/demo.env (demo profile); the TLS sidecar file with its server; the
#                      several-accounts file (deploy/compose.accounts.yml) on top
#   kubectl kustomize  renders deploy/kubernetes/base and every overlay; scripts/validate-k8s.py checks the
#                      result offline against the Kubernetes and KEDA schemas (strict) and its references;
#                      the persistent-spool overlay must make the ingress a StatefulSet with a claim per pod
#   grafana            the dashboard is JSON, its queries PromQL over metrics the services export
# Each validator is first shown a broken input it must reject, so a validator that passes everything
# fails this script. Installs what is missing: apt (docker-compose, shellcheck), PyPI into .tools/venv.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
venv=.tools/venv
rendered=.tools/rendered
requirements=deploy/check-requirements.txt

apt_packages=(docker-compose shellcheck)
python3 -c 'import ensurepip' 2>/dev/null || apt_packages+=(python3-venv)
bash scripts/deps.sh "${apt_packages[@]}"
if ! cmp -s "$requirements" "$venv/requirements.txt" 2>/dev/null; then
    echo "check-deploy: installing validators into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/requirements.txt"
fi
python="$venv/bin/python"

step() { echo "check-deploy: $*"; }
# must_reject NAME COMMAND...: COMMAND must fail on the broken input it is given.
must_reject() {
    local name="$1"; shift
    if "$@" >/dev/null 2>&1; then
        echo "check-deploy: $name accepted a broken input; it validates nothing" >&2
        exit 1
    fi
}
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

step "hadolint deploy/Dockerfile"
printf 'FROM debian\nRUN cd /tmp && apt-get install curl\n' > "$scratch/Dockerfile"
must_reject hadolint "$venv/bin/hadolint" "$scratch/Dockerfile"
"$venv/bin/hadolint" deploy/Dockerfile deploy/stunnel/Dockerfile

step "shellcheck"
shellcheck -x deploy/*.sh deploy/stunnel/*.sh scripts/check-deploy.sh scripts/test-redis-tls.sh

step "docker-compose config"
printf 'services:\n  x:\n    image: x\n    ports: 8080\n    deploy: {replicas: two}\n' > "$scratch/compose.yml"
must_reject docker-compose docker-compose -f "$scratch/compose.yml" config -q
# Without credentials the file must refuse to run (never fall back to the public demo account) and name
# the variable; with .env.example's placeholders it is valid; deploy/demo.env runs the demo profile.
: > "$scratch/empty.env"
no_credentials=(env -u WECHAT_APPID -u WECHAT_APPSECRET -u WECHAT_TOKEN -u WECHAT_AES_KEY)
must_reject "docker-compose without credentials" "${no_credentials[@]}" docker-compose -f docker-compose.yml --env-file "$scratch/empty.env" config -q
refusal="$("${no_credentials[@]}" docker-compose -f docker-compose.yml --env-file "$scratch/empty.env" config -q 2>&1 || true)"
grep -q 'set WECHAT_' <<< "$refusal" \
    || { echo "check-deploy: docker-compose without credentials does not name the missing variable: $refusal" >&2; exit 1; }
"${no_credentials[@]}" docker-compose -f docker-compose.yml --env-file .env.example config -q
"${no_credentials[@]}" docker-compose -f docker-compose.yml --env-file deploy/demo.env --profile demo config -q
# The Redis TLS sidecar (deploy/compose.redis-tls.yml) needs its server and is valid with one.
tls_compose=(docker-compose -f docker-compose.yml -f deploy/compose.redis-tls.yml)
must_reject "docker-compose TLS sidecar without REDIS_TLS_HOST" env -u REDIS_TLS_HOST "${tls_compose[@]}" --env-file .env.example config -q
{ cat .env.example; echo REDIS_TLS_HOST=redis.example.com; } > "$scratch/tls.env"
"${tls_compose[@]}" --env-file "$scratch/tls.env" config -q

# Several accounts (deploy/compose.accounts.yml) is valid on top of the single account.
"${no_credentials[@]}" docker-compose -f docker-compose.yml -f deploy/compose.accounts.yml --env-file .env.example config -q

step "kustomize + schemas: deploy/kubernetes"
rm -rf "$rendered" && mkdir -p "$rendered"
for dir in deploy/kubernetes/base deploy/kubernetes/overlays/*/; do
    dir="${dir%/}"
    "$venv/bin/kubectl" kustomize "$dir" > "$rendered/$(basename "$dir").yaml"
done
"$python" - "$rendered/example-keda.yaml" "$scratch/broken.yaml" <<'PY'
# A broken copy of a rendering: a string replica count and a number where KEDA wants a string.
import sys
text = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(text.replace("replicas: 2", 'replicas: "2"').replace('listLength: "16"', "listLength: 16"))
PY
must_reject validate-k8s "$python" scripts/validate-k8s.py "$scratch/broken.yaml"
"$python" scripts/validate-k8s.py "$rendered"/*.yaml
# components/persistent-spool: the ingress is a StatefulSet whose spool is a claim per pod (no emptyDir
# left), and a copy that lost the claim template is refused (its mount would name nothing).
"$python" - "$rendered/example-persistent-spool.yaml" "$scratch/no-claim.yaml" <<'PY'
import sys, yaml
docs = [doc for doc in yaml.safe_load_all(open(sys.argv[1])) if doc]
ingress = [d for d in docs if d["kind"] == "StatefulSet" and d["metadata"]["name"] == "wechat-relay-ingress"]
assert ingress, "persistent-spool: no StatefulSet wechat-relay-ingress"
assert not [d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "wechat-relay-ingress"], "persistent-spool: the ingress Deployment is still there"
spec = ingress[0]["spec"]
assert [c["metadata"]["name"] for c in spec["volumeClaimTemplates"]] == ["spool"], "persistent-spool: no claim template named spool"
assert not [v for v in spec["template"]["spec"].get("volumes", []) if v["name"] == "spool"], "persistent-spool: the spool is still a pod volume"
del spec["volumeClaimTemplates"]
yaml.safe_dump_all(docs, open(sys.argv[2], "w"))
PY
must_reject "validate-k8s (a mount without its volume)" "$python" scripts/validate-k8s.py "$scratch/no-claim.yaml"

step "grafana dashboard"
printf '{"panels": [' > "$scratch/broken.json"
must_reject json.tool "$python" -m json.tool "$scratch/broken.json"
"$python" - deploy/grafana/wechat-relay.json "$scratch/broken-query.json" <<'PY'
# A copy of the dashboard whose first query lost a parenthesis.
import json, sys
dashboard = json.load(open(sys.argv[1]))
panel = next(p for p in dashboard["panels"] if p.get("targets"))
panel["targets"][0]["expr"] = panel["targets"][0]["expr"].replace(")", "", 1)
json.dump(dashboard, open(sys.argv[2], "w"))
PY
must_reject check-dashboard "$python" scripts/check-dashboard.py "$scratch/broken-query.json"
for dashboard in deploy/grafana/*.json; do
    "$python" -m json.tool "$dashboard" > /dev/null
    "$python" scripts/check-dashboard.py "$dashboard"
done

echo "check-deploy: every validator passed ($((SECONDS - started)) s)"
