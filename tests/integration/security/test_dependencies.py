"""No known vulnerability in the pinned dependencies (pip-audit against requirements.txt).

pip-audit asks PyPI's vulnerability data about each pinned version, so it needs the
network. When the data cannot be had (no network, a mirror without vulnerability data,
a timeout) the test is skipped with the reason, even in CI; any vulnerability reported
fails it. `make audit` runs the same command by hand.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import IS_CI

REQUIREMENTS = Path(__file__).parents[3] / "requirements.txt"
TIMEOUT_SECONDS = 180


def pip_audit_command(output: Path) -> list[str]:
    """pip-audit of the pinned file as it is: no resolution, no install, a JSON report."""
    executable = shutil.which("pip-audit", path=str(Path(sys.executable).parent))
    if executable is None:
        message = "pip-audit is not installed in the virtual environment (see docs/testing.md)"
        if IS_CI:
            pytest.fail(message)
        pytest.skip(message)
    return [
        executable,
        "--requirement",
        str(REQUIREMENTS),
        "--no-deps",  # every dependency is pinned in requirements.txt
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--format",
        "json",
        "--output",
        str(output),
    ]


def test_pinned_requirements_have_no_known_vulnerability(tmp_path):
    report_path = tmp_path / "audit.json"
    try:
        run = subprocess.run(
            pip_audit_command(report_path),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.skip(f"pip-audit: no answer from the vulnerability service in {TIMEOUT_SECONDS}s")
    if not report_path.exists():
        pytest.skip(f"pip-audit could not reach the vulnerability service: {run.stderr[-500:]}")

    dependencies = json.loads(report_path.read_text())["dependencies"]
    vulnerable = {
        f"{d['name']} {d['version']}": [v["id"] for v in d["vulns"]]
        for d in dependencies
        if d.get("vulns")
    }
    assert vulnerable == {}, f"known vulnerabilities: {vulnerable}"

    unaudited = [d["name"] for d in dependencies if "skip_reason" in d]
    if unaudited:
        pytest.skip(
            f"the vulnerability service had no data for {len(unaudited)} of "
            f"{len(dependencies)} pinned packages (e.g. {', '.join(unaudited[:3])}): "
            "is PyPI's JSON API reachable, not only a package mirror?"
        )
    assert run.returncode == 0, run.stderr
