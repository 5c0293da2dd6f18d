"""Offline checks of the Kubernetes manifests, run by deploy/k8s/validate.

    checks.py render DIR            kustomization in DIR -> YAML on stdout, for
                                    machines without kubectl (only the fields the
                                    base uses; anything else is an error)
    checks.py same A.yaml B.yaml    the two renderings hold the same objects
                                    (the ConfigMap's hash suffix aside)
    checks.py invariants FILE       Copydesk's own rules over a rendering: one line
                                    per check, exit 1 if any failed

Needs PyYAML (installed with kubernetes-validate into target/k8s-venv).
"""

import hashlib
import json
import re
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]

# --- render -------------------------------------------------------------------

SUPPORTED = {"apiVersion", "kind", "resources", "configMapGenerator", "images", "labels"}


def read_env_file(path):
    """key=value lines; blank lines and # comments skipped (as kustomize does)."""
    data = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise SystemExit(f"{path}:{number}: not KEY=value: {line}")
        key, value = line.split("=", 1)
        data[key] = value
    return data


def pod_specs(obj):
    spec = obj.get("spec", {})
    if obj["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
        yield spec["template"]["spec"]
    elif obj["kind"] == "Pod":
        yield spec


def containers(pod):
    return pod.get("initContainers", []) + pod.get("containers", [])


def render(directory):
    directory = Path(directory)
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unknown = set(kustomization) - SUPPORTED
    if unknown:
        raise SystemExit(f"{directory}: the fallback renderer does not know {sorted(unknown)}; use kubectl")
    objects = []
    for resource in kustomization.get("resources", []):
        path = directory / resource
        if not path.is_file():
            raise SystemExit(f"{directory}: resource {resource} is not a file; use kubectl")
        objects += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]

    renamed = {}
    for generator in kustomization.get("configMapGenerator", []):
        if set(generator) - {"name", "envs", "literals"}:
            raise SystemExit(f"{directory}: configMapGenerator fields {sorted(generator)}; use kubectl")
        data = {}
        for env in generator.get("envs", []):
            data.update(read_env_file(directory / env))
        for literal in generator.get("literals", []):
            key, value = literal.split("=", 1)
            data[key] = value
        name = generator["name"]
        # A content hash, like kustomize's (not byte-identical to it).
        digest = hashlib.sha256(json.dumps([name, data], sort_keys=True).encode()).hexdigest()
        renamed[name] = f"{name}-{digest[:10]}"
        objects.insert(0, {"apiVersion": "v1", "kind": "ConfigMap",
                           "metadata": {"name": renamed[name]}, "data": data})

    for obj in objects:
        for pod in pod_specs(obj):
            for container in containers(pod):
                for source in container.get("envFrom", []):
                    ref = source.get("configMapRef")
                    if ref and ref.get("name") in renamed:
                        ref["name"] = renamed[ref["name"]]
                for env in container.get("env", []):
                    ref = env.get("valueFrom", {}).get("configMapKeyRef")
                    if ref and ref.get("name") in renamed:
                        ref["name"] = renamed[ref["name"]]
            for volume in pod.get("volumes", []):
                ref = volume.get("configMap")
                if ref and ref.get("name") in renamed:
                    ref["name"] = renamed[ref["name"]]

    for image in kustomization.get("images", []):
        for obj in objects:
            for pod in pod_specs(obj):
                for container in containers(pod):
                    current = container["image"]
                    base = re.split(r"[@]", current)[0]
                    base_name, _, tag = base.rpartition(":") if ":" in base.split("/")[-1] else (base, "", "")
                    if base_name != image["name"]:
                        continue
                    name = image.get("newName", base_name)
                    if "digest" in image:
                        container["image"] = f"{name}@{image['digest']}"
                    else:
                        container["image"] = f"{name}:{image.get('newTag', tag or 'latest')}"

    for label in kustomization.get("labels", []):
        if label.get("includeSelectors"):
            raise SystemExit(f"{directory}: labels.includeSelectors; use kubectl")
        for obj in objects:
            obj.setdefault("metadata", {}).setdefault("labels", {}).update(label["pairs"])
            if label.get("includeTemplates") and "template" in obj.get("spec", {}):
                obj["spec"]["template"].setdefault("metadata", {}).setdefault("labels", {}).update(
                    label["pairs"])

    yaml.safe_dump_all(objects, sys.stdout, sort_keys=True)


# --- same ---------------------------------------------------------------------


def load(path):
    return [doc for doc in yaml.safe_load_all(Path(path).read_text()) if doc]


def normalised(objects):
    text = json.dumps(sorted(objects, key=lambda o: (o["kind"], o["metadata"]["name"])), sort_keys=True)
    return re.sub(r'"(copydesk-config)-[a-z0-9]{10}"', r'"\1-HASH"', text)


def same(a, b):
    if normalised(load(a)) != normalised(load(b)):
        print(f"{a} and {b} differ", file=sys.stderr)
        sys.exit(1)


# --- invariants ---------------------------------------------------------------

# Variables the telemetry crate or the OpenTelemetry SDK it uses read
# (crates/telemetry/src/lib.rs), and the log filter.
OTHER_SETTINGS = {
    "RUST_LOG",
    "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
    "OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
    "OTEL_EXPORTER_OTLP_COMPRESSION", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
    "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_SDK_DISABLED", "OTEL_TRACES_EXPORTER",
    "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG",
    "OTEL_BSP_SCHEDULE_DELAY", "OTEL_BSP_EXPORT_TIMEOUT", "OTEL_BSP_MAX_QUEUE_SIZE",
    "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "OTEL_BSP_MAX_CONCURRENT_EXPORTS",
}

# What `copydesk serve X` listens on and the gRPC service its health reports.
SERVERS = {
    "segmenter": (50052, "copydesk.v1.Segmenter"),
    "entities": (50053, "copydesk.v1.EntityRecognizer"),
    "sentiment": (50054, "copydesk.v1.SentimentAnalyzer"),
    "knowledge": (50055, "copydesk.v1.EntityLinker"),
    "gateway": (50051, "copydesk.v1.Annotator"),
}


def rust_settings():
    """Every `env = "COPYDESK_..."` in the workspace's Rust sources."""
    names = set()
    for path in REPO.rglob("*.rs"):
        if "target" in path.relative_to(REPO).parts:
            continue
        names.update(re.findall(r'env\s*=\s*"(COPYDESK_[A-Z0-9_]+)"', path.read_text()))
    return names


def proto_services():
    """The gRPC service names in proto/ (`package` + `service`)."""
    names = set()
    for path in (REPO / "proto").rglob("*.proto"):
        text = path.read_text()
        package = re.search(r"^package\s+([\w.]+);", text, re.M)
        for service in re.findall(r"^service\s+(\w+)", text, re.M):
            names.add(f"{package.group(1)}.{service}")
    return names


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def quantity(value):
    """CPU or memory quantity to a float (cores, bytes)."""
    value = str(value)
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 1e3, "M": 1e6, "G": 1e9}
    for suffix, factor in sorted(units.items(), key=lambda u: -len(u[0])):
        if value.endswith(suffix):
            return float(value[: -len(suffix)]) * factor
    return float(value)


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what, why=""):
        if ok:
            self.passed += 1
            print(f"ok   {what}")
        else:
            self.failed += 1
            print(f"FAIL {what}" + (f": {why}" if why else ""))


def invariants(path, config_env):
    report = Report()
    objects = load(path)
    by_kind = {}
    for obj in objects:
        by_kind.setdefault(obj["kind"], []).append(obj)
    config_maps = {o["metadata"]["name"]: o.get("data", {}) for o in by_kind.get("ConfigMap", [])}
    services = by_kind.get("Service", [])
    settings = rust_settings()
    grpc_services = proto_services()

    deployments = by_kind.get("Deployment", [])
    report.check(
        sorted(d["metadata"]["name"] for d in deployments) == sorted(SERVERS),
        "one Deployment per server " + ", ".join(sorted(SERVERS)),
        f"found {sorted(d['metadata']['name'] for d in deployments)}")

    for deployment in deployments:
        name = deployment["metadata"]["name"]
        spec = deployment["spec"]
        pod = spec["template"]["spec"]
        labels = spec["template"]["metadata"].get("labels", {})
        problems = []
        if len(pod.get("containers", [])) != 1:
            report.check(False, f"{name}: one container")
            continue
        container = pod["containers"][0]
        server = (container.get("args") or [None, None])[1] if container.get("args", [None])[0] == "serve" else None
        port, health_name = SERVERS.get(server, (None, None))
        ports = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
        report.check(
            server == name and port in ports.values(),
            f"{name}: runs `copydesk serve {name}` with port {port} open",
            f"args {container.get('args')}, ports {ports}")

        env = {}
        for source in container.get("envFrom", []):
            ref = source.get("configMapRef", {}).get("name")
            if ref not in config_maps:
                problems.append(f"envFrom names a ConfigMap that is not there: {ref}")
            env.update(config_maps.get(ref, {}))
        report.check(not problems and env, f"{name}: reads the ConfigMap", "; ".join(problems))

        probes = {kind: container.get(kind) or {} for kind in ("livenessProbe", "readinessProbe", "startupProbe")}
        for kind in ("livenessProbe", "readinessProbe"):
            grpc = probes[kind].get("grpc")
            report.check(
                grpc is not None and grpc.get("port") == port,
                f"{name}: {kind} is a gRPC health check on port {port}",
                f"{probes[kind]}")
        readiness_service = (probes["readinessProbe"].get("grpc") or {}).get("service")
        report.check(
            readiness_service == health_name and readiness_service in grpc_services,
            f"{name}: readiness asks for {health_name}, a service in proto/",
            f"asks for {readiness_service!r}")
        startup = probes["startupProbe"]
        if startup:
            budget = startup.get("periodSeconds", 10) * startup.get("failureThreshold", 3)
            report.check(
                "grpc" in startup and budget >= 20,
                f"{name}: startupProbe is gRPC and allows {budget}s to start")

        resources = container.get("resources", {})
        missing = [f"{part}.{what}" for part in ("requests", "limits") for what in ("cpu", "memory")
                   if what not in resources.get(part, {})]
        ordered = not missing and all(
            quantity(resources["requests"][what]) <= quantity(resources["limits"][what])
            for what in ("cpu", "memory"))
        report.check(not missing and ordered,
                     f"{name}: cpu and memory requests and limits, requests <= limits",
                     f"missing {missing}" if missing else f"{resources}")

        pod_security = pod.get("securityContext", {})
        security = container.get("securityContext", {})
        report.check(
            (security.get("runAsNonRoot", pod_security.get("runAsNonRoot")) is True
             and security.get("readOnlyRootFilesystem") is True
             and security.get("allowPrivilegeEscalation") is False
             and "ALL" in security.get("capabilities", {}).get("drop", [])
             and not security.get("capabilities", {}).get("add")),
            f"{name}: non-root, read-only root filesystem, no privilege escalation, all capabilities dropped",
            f"pod {pod_security}, container {security}")

        grace = int(env.get("COPYDESK_SHUTDOWN_GRACE_SECS", 10))
        termination = pod.get("terminationGracePeriodSeconds", 30)
        report.check(termination > grace,
                     f"{name}: terminationGracePeriodSeconds {termination} > shutdown grace {grace}s")

        annotations = spec["template"]["metadata"].get("annotations", {})
        if annotations.get("prometheus.io/scrape") == "true":
            report.check(annotations.get("prometheus.io/port") == str(port),
                         f"{name}: Prometheus scrapes /metrics on port {port}",
                         f"annotations {annotations}")

        matching = [s for s in services if selects(s["spec"].get("selector"), labels)]
        targets_port = [s for s in matching
                        if any(p.get("targetPort") in (port, *[n for n, v in ports.items() if v == port])
                               for p in s["spec"].get("ports", []))]
        report.check(len(targets_port) == 1 and targets_port[0]["metadata"]["name"] == name,
                     f"{name}: a Service named {name} selects its pods and targets port {port}",
                     f"matching {[s['metadata']['name'] for s in matching]}")

        hpas = [h for h in by_kind.get("HorizontalPodAutoscaler", [])
                if h["spec"]["scaleTargetRef"].get("kind") == "Deployment"
                and h["spec"]["scaleTargetRef"].get("name") == name]
        report.check(
            len(hpas) == 1 and hpas[0]["spec"].get("minReplicas", 1) >= 2
            and hpas[0]["spec"]["maxReplicas"] >= hpas[0]["spec"].get("minReplicas", 1),
            f"{name}: a HorizontalPodAutoscaler scales it, from at least 2 replicas",
            f"{len(hpas)} found" + (f", {hpas[0]['spec']}" if hpas else ""))
        report.check("replicas" not in spec,
                     f"{name}: no replicas field (the HorizontalPodAutoscaler owns the count)")

        pdbs = [p for p in by_kind.get("PodDisruptionBudget", [])
                if selects(p["spec"].get("selector", {}).get("matchLabels"), labels)]
        report.check(
            len(pdbs) == 1 and ("maxUnavailable" in pdbs[0]["spec"] or "minAvailable" in pdbs[0]["spec"]),
            f"{name}: a PodDisruptionBudget covers its pods", f"{len(pdbs)} found")

    # The gateway's service addresses name headless Services, so that DNS gives
    # it every ready pod to balance over.
    gateway_env = {}
    for data in config_maps.values():
        gateway_env.update(data)
    for server in ("segmenter", "entities", "sentiment", "knowledge"):
        variable = f"COPYDESK_{server.upper()}_ADDR"
        address = gateway_env.get(variable, "")
        match = re.fullmatch(r"(https?)://([a-z0-9.-]+):(\d+)", address)
        host = match.group(2).split(".")[0] if match else None
        service = next((s for s in services if s["metadata"]["name"] == host), None)
        report.check(
            service is not None and service["spec"].get("clusterIP") == "None"
            and any(p["port"] == int(match.group(3)) for p in service["spec"]["ports"]),
            f"{server}: {variable}={address} names a headless Service (clusterIP: None) on that port",
            f"service {service['spec'] if service else None}")
    gateway = next((s for s in services if s["metadata"]["name"] == "gateway"), None)
    report.check(gateway is not None and gateway["spec"].get("clusterIP") != "None",
                 "gateway: an ordinary (not headless) Service")

    # Every setting named, set or commented out, is one the code reads.
    named = set()
    for data in config_maps.values():
        named.update(data)
    if config_env:
        named.update(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", Path(config_env).read_text(), re.M))
    unknown = sorted(n for n in named if n not in settings and n not in OTHER_SETTINGS)
    report.check(not unknown and settings,
                 f"ConfigMap: its {len(named)} variables (commented ones too) are all settings the code reads",
                 f"unknown {unknown}")
    listens = sorted(n for n in named if n.endswith("_LISTEN"))
    report.check(not listens, "ConfigMap: no *_LISTEN (ports are fixed by the Services and probes)", f"{listens}")

    sys.exit(1 if report.failed else 0)


if __name__ == "__main__":
    command, *args = sys.argv[1:] or ["help"]
    if command == "render" and len(args) == 1:
        render(args[0])
    elif command == "same" and len(args) == 2:
        same(*args)
    elif command == "invariants" and len(args) in (1, 2):
        invariants(args[0], args[1] if len(args) == 2 else None)
    else:
        sys.exit(__doc__)
