"""Turn the rendered `local` overlay into what `podman kube play` takes.

    python deploy/local/split.py RENDERED.yaml OUT_DIR [--web-port N] [--console-port N]

Writes OUT_DIR/play.yaml (Deployments, PersistentVolumeClaims, ConfigMaps) and OUT_DIR/secret-<name>.json
for each Secret, in the form podman 4.3's kube play reads a secretKeyRef from (a podman secret holding
{"key": "base64 value"}). Services are left out: podman has none (the proxy stands in for them). Container
ports without a hostPort are left out too: podman 4.3 would publish each of them on every interface of the
host (pods reach each other on the network without them). The proxy's host ports are set to the ones given.
"""

import argparse
import json
import sys
from pathlib import Path

import yaml

PLAYED = ("Deployment", "PersistentVolumeClaim", "ConfigMap")
DEFAULT_PORTS = {18080: "web_port", 18081: "console_port"}


def split(documents, ports):
    played, secrets = [], {}
    for document in documents:
        if not document:
            continue
        kind = document.get("kind")
        if kind == "Secret":
            secrets[document["metadata"]["name"]] = dict(document.get("data") or {})
        elif kind in PLAYED:
            for container in document.get("spec", {}).get("template", {}).get("spec", {}).get("containers", []):
                published = [port for port in container.pop("ports", []) if port.get("hostPort")]
                for port in published:
                    port["hostPort"] = ports.get(port["hostPort"], port["hostPort"])
                if published:
                    container["ports"] = published
            played.append(document)
    return played, secrets


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rendered", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--web-port", type=int, default=18080)
    parser.add_argument("--console-port", type=int, default=18081)
    args = parser.parse_args()
    ports = {18080: args.web_port, 18081: args.console_port}
    played, secrets = split(yaml.safe_load_all(args.rendered.read_text()), ports)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "play.yaml").write_text(yaml.safe_dump_all(played, sort_keys=False))
    for name, data in secrets.items():
        target = args.out / f"secret-{name}.json"
        target.touch(mode=0o600)
        target.write_text(json.dumps(data))
    print(" ".join(sorted(secrets)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
