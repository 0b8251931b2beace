#!/usr/bin/env python3
"""Validates rendered Kubernetes manifests (multi-document YAML files) offline.

- Built-in kinds: against the Kubernetes OpenAPI schemas bundled in kubernetes-validate (strict: unknown
  fields are errors).
- KEDA kinds (keda.sh/v1alpha1): against deploy/kubernetes/schemas/keda.sh-v1alpha1.json.
- A kind with no schema is an error, not a warning.
- References inside one rendering: scale targets, authentication refs, Ingress backends, the
  selectors of Services and PodDisruptionBudgets, a StatefulSet's serviceName, and every container's
  volume mounts (a pod volume or a StatefulSet volume claim template) must find what they name.

Usage: validate-k8s.py FILE... ; exit 1 on any problem, one line per problem.
"""
import json
import pathlib
import sys

import jsonschema
import yaml
from kubernetes_validate import utils as kv

KEDA_SCHEMA = pathlib.Path(__file__).resolve().parent.parent / "deploy/kubernetes/schemas/keda.sh-v1alpha1.json"


def schema_problems(doc: dict) -> list:
    """Schema errors of one resource, as text."""
    if doc.get("apiVersion") == "keda.sh/v1alpha1":
        schema = json.loads(KEDA_SCHEMA.read_text())
        kind = doc.get("kind")
        if kind not in schema["$defs"]:
            return [f"no schema for keda.sh kind {kind}"]
        validator = jsonschema.Draft202012Validator({"$ref": f"#/$defs/{kind}", "$defs": schema["$defs"]})
        return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]
    try:
        kv.validate(doc, kv.latest_version(), strict=True)
    except kv.ValidationError as error:
        return [f"{'.'.join(map(str, error.path))}: {error.message}"]
    except kv.SchemaNotFoundError as error:
        return [error.message]
    return []


def selects(selector: dict, labels: dict) -> bool:
    return bool(selector) and all(labels.get(key) == value for key, value in selector.items())


def reference_problems(docs: list) -> list:
    """Names that point at nothing in the same rendering."""
    by_kind = {}
    for doc in docs:
        by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc
    deployments = by_kind.get("Deployment", {})
    workloads = [(kind, name, doc) for kind in ("Deployment", "StatefulSet") for name, doc in by_kind.get(kind, {}).items()]
    pod_labels = [doc["spec"]["template"]["metadata"].get("labels", {}) for _, _, doc in workloads]
    problems = []
    for kind, name, doc in workloads:
        pod = doc["spec"]["template"]["spec"]
        volumes = {volume["name"] for volume in pod.get("volumes", [])}
        volumes |= {claim["metadata"]["name"] for claim in doc["spec"].get("volumeClaimTemplates", [])}
        for container in pod.get("containers", []) + pod.get("initContainers", []):
            for mount in container.get("volumeMounts", []):
                if mount["name"] not in volumes:
                    problems.append(f"{kind} {name}: container {container['name']} mounts {mount['name']}, which is no volume")
        if kind == "StatefulSet" and doc["spec"].get("serviceName") not in by_kind.get("Service", {}):
            problems.append(f"StatefulSet {name}: no Service {doc['spec'].get('serviceName')} (spec.serviceName)")
    for name, so in by_kind.get("ScaledObject", {}).items():
        if so["spec"]["scaleTargetRef"]["name"] not in deployments:
            problems.append(f"ScaledObject {name}: no Deployment {so['spec']['scaleTargetRef']['name']}")
        for trigger in so["spec"]["triggers"]:
            auth = trigger.get("authenticationRef", {}).get("name")
            if auth and auth not in by_kind.get("TriggerAuthentication", {}):
                problems.append(f"ScaledObject {name}: no TriggerAuthentication {auth}")
    for name, hpa in by_kind.get("HorizontalPodAutoscaler", {}).items():
        if hpa["spec"]["scaleTargetRef"]["name"] not in deployments:
            problems.append(f"HorizontalPodAutoscaler {name}: no Deployment {hpa['spec']['scaleTargetRef']['name']}")
    for kind in ("Service", "PodDisruptionBudget"):
        for name, doc in by_kind.get(kind, {}).items():
            selector = doc["spec"].get("selector", {})
            selector = selector.get("matchLabels", selector) if kind == "PodDisruptionBudget" else selector
            if not any(selects(selector, labels) for labels in pod_labels):
                problems.append(f"{kind} {name}: its selector matches no Deployment's or StatefulSet's pods")
    services = by_kind.get("Service", {})
    for name, ingress in by_kind.get("Ingress", {}).items():
        for rule in ingress["spec"].get("rules", []):
            for path in rule.get("http", {}).get("paths", []):
                backend = path["backend"]["service"]
                if backend["name"] not in services:
                    problems.append(f"Ingress {name}: no Service {backend['name']}")
                elif "name" in backend.get("port", {}) and backend["port"]["name"] not in [
                        p.get("name") for p in services[backend["name"]]["spec"]["ports"]]:
                    problems.append(f"Ingress {name}: Service {backend['name']} has no port {backend['port']['name']}")
    return problems


def main(paths: list) -> int:
    failed = False
    for path in paths:
        docs = [doc for doc in yaml.safe_load_all(pathlib.Path(path).read_text()) if doc]
        problems = []
        for doc in docs:
            where = f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
            problems += [f"{where}: {problem}" for problem in schema_problems(doc)]
        if not problems:
            problems = reference_problems(docs)
        for problem in problems:
            print(f"validate-k8s: {path}: {problem}", file=sys.stderr)
        failed = failed or bool(problems) or not docs
        if not docs:
            print(f"validate-k8s: {path}: no resources", file=sys.stderr)
        elif not problems:
            kinds = sorted({doc["kind"] for doc in docs})
            print(f"validate-k8s: {path}: {len(docs)} resources valid ({', '.join(kinds)})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
