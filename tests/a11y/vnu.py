"""The W3C Nu HTML checker (vnu.jar from the `vnu-jar` npm package), run once over many files."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL_HINT = "run `npm install --no-save vnu-jar` at the repository root (make test does)"


def unavailable_reason() -> str | None:
    if shutil.which("java") is None:
        return "Java is not installed (apt-get install -y default-jre-headless)"
    if not JAR.exists():
        return f"vnu.jar is missing: {INSTALL_HINT}"
    return None


def check(files: list[Path]) -> dict[Path, list[dict]]:
    """Errors found in each file (an empty list when it is valid). One JVM start for all."""
    if not files:
        return {}
    result = subprocess.run(
        ["java", "-Xss8m", "-jar", str(JAR), "--errors-only", "--format", "json"]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    except (json.JSONDecodeError, KeyError) as exc:
        raise RuntimeError(f"vnu gave no JSON: {result.stderr[:2000]}") from exc
    found: dict[Path, list[dict]] = {f: [] for f in files}
    by_uri = {f.resolve().as_uri(): f for f in files}
    for message in messages:
        if message.get("type") != "error":
            continue
        uri = message.get("url", "")
        target = by_uri.get(uri) or by_uri.get(uri.replace("file:/", "file:///", 1))
        if target is None:
            target = next((f for f in files if uri.endswith(f.name)), files[0])
        found[target].append(message)
    return found
