"""deploy/local/split.py: the rendered local overlay turned into what podman 4.3's kube play takes."""

import importlib.util
import json
import shutil
import subprocess
import sys

import pytest
import yaml

from exobot.paths import ROOT

SCRIPT = ROOT / "deploy" / "local" / "split.py"
spec = importlib.util.spec_from_file_location("split", SCRIPT)
split = importlib.util.module_from_spec(spec)
spec.loader.exec_module(split)

DOCUMENTS = [
    {"kind": "Secret", "metadata": {"name": "exobot"}, "data": {"auth-token": "dG9rZW4="}},
    {"kind": "Service", "metadata": {"name": "rasa"}},
    {"kind": "ConfigMap", "metadata": {"name": "settings"}, "data": {"A": "1"}},
    {
        "kind": "Deployment",
        "metadata": {"name": "proxy"},
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "ports": [
                                {"containerPort": 8080, "hostPort": 18080, "hostIP": "127.0.0.1"},
                                {"containerPort": 5055},
                            ],
                        },
                        {"name": "other", "ports": [{"containerPort": 5005}]},
                    ]
                }
            }
        },
    },
]


def test_secrets_become_podman_secrets_services_and_unpublished_ports_are_left_out():
    played, secrets = split.split(DOCUMENTS, {18080: 41000})
    assert secrets == {"exobot": {"auth-token": "dG9rZW4="}}
    assert [d["kind"] for d in played] == ["ConfigMap", "Deployment"]
    nginx, other = played[1]["spec"]["template"]["spec"]["containers"]
    assert nginx["ports"] == [{"containerPort": 8080, "hostPort": 41000, "hostIP": "127.0.0.1"}]
    assert "ports" not in other


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="rendering the overlay needs kubectl")
def test_the_local_overlay_renders_and_splits(tmp_path):
    overlay = ROOT / "deploy" / "kubernetes" / "overlays" / "local"
    made = []
    for name, text in (("secrets.env", "auth-token=a\ndb-password=b\nredis-password=c\n"), ("local.env", "")):
        if not (overlay / name).exists():
            (overlay / name).write_text(text)
            made.append(overlay / name)
    try:
        rendered = subprocess.run(["kubectl", "kustomize", str(overlay)], capture_output=True, text=True, check=True)
    finally:
        for path in made:
            path.unlink()
    (tmp_path / "rendered.yaml").write_text(rendered.stdout)
    subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "rendered.yaml"), str(tmp_path)], check=True)
    played = list(yaml.safe_load_all((tmp_path / "play.yaml").read_text()))
    deployments = {d["metadata"]["name"]: d for d in played if d["kind"] == "Deployment"}
    assert set(deployments) == {"postgres", "redis", "actions", "rasa", "console", "site", "proxy"}
    assert deployments["rasa"]["spec"]["replicas"] == 2
    images = {c["image"] for d in deployments.values() for c in d["spec"]["template"]["spec"]["containers"]}
    assert all(image.startswith("localhost/") for image in images), images
    assert json.loads((tmp_path / "secret-exobot.json").read_text()).keys() == {
        "auth-token",
        "db-password",
        "redis-password",
    }
