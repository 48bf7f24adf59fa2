"""The CI and pre-commit files shipped in the repo are valid for the services that read them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO
from kb.core.loader import load

CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")


def validate(schema: str, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", schema, str(path)], capture_output=True, text=True
    )


def test_workflow_is_valid_against_the_github_schema():
    r = validate("vendor.github-workflows", REPO / ".github/workflows/ci.yml")
    assert r.returncode == 0, r.stdout + r.stderr


def test_a_broken_workflow_is_caught(tmp_path):
    bad = tmp_path / "ci.yml"
    bad.write_text((REPO / ".github/workflows/ci.yml").read_text().replace("runs-on:", "runs_on:", 1))
    assert validate("vendor.github-workflows", bad).returncode != 0


def test_workflow_runs_the_checks_the_project_promises():
    text = (REPO / ".github/workflows/ci.yml").read_text()
    for needle in (
        "--changed-since origin/${{ github.base_ref }}",
        "--format github",
        ".ci/run",
        "make site",
        'make fmt ARGS="--check"',
        "kb diff",
        "GITHUB_STEP_SUMMARY",
        "--site site",
        "upload-artifact",
        "deploy-pages",
        "schedule",
        "--external",
    ):
        assert needle in text, needle


def test_every_job_that_checks_or_builds_fetches_the_whole_history():
    # A shallow checkout (actions/checkout's default) would build the site with an incomplete history
    # and let kb check miss facts revised since a briefing cited them.
    import yaml

    jobs = yaml.safe_load((REPO / ".github/workflows/ci.yml").read_text())["jobs"]
    for name, job in jobs.items():
        runs = " ".join(step.get("run", "") for step in job.get("steps", []))
        if "make check" in runs or "make site" in runs:
            checkout = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/checkout"))
            assert checkout.get("with", {}).get("fetch-depth") == 0, name


def test_pre_commit_hook_manifest_has_what_pre_commit_requires():
    # pre-commit's own manifest fields (its clientlib), written down as a schema in tests/fixtures.
    r = subprocess.run(
        [
            str(CHECK_JSONSCHEMA),
            "--schemafile",
            str(REPO / "tests/fixtures/pre-commit-hooks.schema.json"),
            str(REPO / ".pre-commit-hooks.yaml"),
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_pre_commit_config_runs_kb_check():
    data = load(REPO / ".pre-commit-config.yaml").data
    assert [h["id"] for h in data["repos"][0]["hooks"]] == ["kb-check", "kb-fmt"]
