"""The compose file and the Kubernetes manifests run every registered service, correctly.

No Docker or cluster needed: the YAML is parsed and checked against the service registry
(`saveroute.stack.services`), the console scripts in pyproject.toml and the entrypoint.
"""

import tomllib
from pathlib import Path

import pytest
import yaml

from saveroute.stack.services import SERVICES, ServiceSpec

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "infra"
K8S = INFRA / "k8s"


def compose() -> dict:
    return yaml.safe_load((INFRA / "docker-compose.yml").read_text())


def k8s_documents() -> list[dict]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        docs += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return docs


def deployment(name: str) -> dict:
    found = [d for d in k8s_documents() if d["kind"] == "Deployment" and d["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one Deployment {name}, found {len(found)}"
    return found[0]


def scripts() -> dict[str, str]:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]


@pytest.mark.parametrize("spec", SERVICES, ids=lambda s: s.name)
def test_every_service_has_a_console_script_for_its_module(spec: ServiceSpec) -> None:
    assert scripts()[spec.script] == f"{spec.module}.__main__:main"


def test_the_image_entrypoint_is_the_service_chooser() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["saveroute-service"]' in dockerfile
    assert scripts()["saveroute-service"] == "saveroute.stack.entrypoint:main"


@pytest.mark.parametrize("spec", SERVICES, ids=lambda s: s.name)
def test_compose_runs_each_service_with_its_command_and_settings(spec: ServiceSpec) -> None:
    service = compose()["services"][spec.name]
    assert service["command"] == [spec.name]
    assert service["build"]["context"] == ".." and (INFRA / service["build"]["context"] / "Dockerfile").exists()
    env = service["environment"]
    assert env["SAVEROUTE_PROFILE"] == "production"
    assert env["SAVEROUTE_KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert env["SAVEROUTE_REDIS_URL"].startswith("redis://redis:")
    assert env["SAVEROUTE_SERVICE_NAME"] == spec.name
    if spec.http:
        assert env["SAVEROUTE_HTTP_PORT"] == str(spec.port)
    assert service["depends_on"]["create-topics"]["condition"] == "service_completed_successfully"


def test_compose_has_kraft_kafka_redis_topics_prometheus_and_grafana() -> None:
    services = compose()["services"]
    kafka = services["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    assert "controller" in kafka["environment"]["KAFKA_PROCESS_ROLES"]
    assert services["redis"]["image"].startswith("redis:")
    assert services["create-topics"]["command"] == ["create-topics"]
    mounts = services["prometheus"]["volumes"] + services["grafana"]["volumes"]
    for mount in mounts:
        source = mount.split(":")[0]
        if source.startswith("./"):
            assert (INFRA / source).is_dir(), f"{source} does not exist"
    scraped = yaml.safe_load((INFRA / "prometheus" / "prometheus.yml").read_text())
    targets = {t for job in scraped["scrape_configs"] for c in job["static_configs"] for t in c["targets"]}
    for spec in SERVICES:
        assert f"{spec.name}:{spec.port}" in targets


@pytest.mark.parametrize("spec", SERVICES, ids=lambda s: s.name)
def test_k8s_deployment_runs_each_service(spec: ServiceSpec) -> None:
    pod = deployment(spec.name)["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["args"] == [spec.name]
    refs = {ref.get("configMapRef", ref.get("secretRef"))["name"] for ref in container["envFrom"]}
    assert refs == {"saveroute-config", "saveroute-secrets"}
    env = {item["name"]: item["value"] for item in container.get("env", [])}
    assert env["SAVEROUTE_SERVICE_NAME"] == spec.name
    if spec.http:
        assert env["SAVEROUTE_HTTP_PORT"] == str(spec.port)
    assert [p["containerPort"] for p in container["ports"]] == [spec.port]
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert int(container["resources"]["limits"]["memory"].removesuffix("Mi")) <= 256


def test_k8s_settings_topics_job_and_kustomization_hang_together() -> None:
    docs = k8s_documents()
    kinds = {(d["kind"], d["metadata"]["name"]) for d in docs}
    assert ("ConfigMap", "saveroute-config") in kinds and ("Secret", "saveroute-secrets") in kinds
    config = next(d for d in docs if d["kind"] == "ConfigMap")["data"]
    assert config["SAVEROUTE_PROFILE"] == "production" and "SAVEROUTE_KAFKA_BOOTSTRAP_SERVERS" in config
    secret = next(d for d in docs if d["kind"] == "Secret")["stringData"]
    assert "SAVEROUTE_REDIS_URL" in secret and "SAVEROUTE_KAFKA_SASL_PASSWORD" in secret
    job = next(d for d in docs if d["kind"] == "Job")
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["create-topics"]
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    assert sorted(listed) == sorted(p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
    for name in ("metrics", "deadlines"):
        if any(s.name == name for s in SERVICES):
            assert deployment(name)["spec"]["replicas"] == 1


def test_entrypoint_refuses_an_unknown_service() -> None:
    from saveroute.stack.entrypoint import main

    with pytest.raises(SystemExit, match="unknown service 'nope'"):
        main(["nope"])
