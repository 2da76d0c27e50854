"""The README's commands stop with a message naming what is missing, before doing anything."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ["bash", "cat", "cut", "dirname", "ls", "sort", "sha256sum", "rm", "mkdir", "env", "uname"]


@pytest.fixture
def checkout(tmp_path):
    """A copy of the scripts and the files they read, with a PATH of bare system tools."""
    for name in (
        "bin",
        "requirements.txt",
        "requirements-dev.txt",
        "constraints.txt",
        "package.json",
        "package-lock.json",
    ):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in TOOLS:
        (tools / tool).symlink_to(shutil.which(tool))
    return tmp_path


def run(checkout, command, **env):
    environment = {
        "PATH": str(checkout / "tools"),
        "HOME": str(checkout),
        "PYENV_ROOT": str(checkout / "no-pyenv"),
        **env,
    }
    return subprocess.run(
        [str(checkout / "bin" / command)], cwd=checkout, env=environment, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("command", ["dev", "test"])
def test_without_python_3_12_the_scripts_say_so(checkout, command):
    old_python = Path("/usr/bin/python3")
    if old_python.exists():  # a Python older than 3.12 on PATH must not be taken
        (checkout / "tools" / "python3").symlink_to(old_python)
    result = run(checkout, command)
    assert result.returncode == 1
    assert "Newsroom needs Python 3.12 or newer, and none was found" in result.stderr
    assert not (checkout / ".venv").exists()


def test_a_python_from_pyenv_is_found_when_path_has_none(checkout):
    versions = checkout / "no-pyenv" / "versions" / "3.13.9" / "bin"
    versions.mkdir(parents=True)
    (versions / "python3").symlink_to(Path(os.path.realpath(ROOT / ".venv" / "bin" / "python")))
    script = "source bin/_common.sh; find_python"
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=checkout,
        capture_output=True,
        text=True,
        env={"PATH": str(checkout / "tools"), "HOME": str(checkout), "PYENV_ROOT": str(checkout / "no-pyenv")},
    )
    assert result.stdout.strip() == str(versions / "python3")


@pytest.mark.parametrize("command", ["dev", "test"])
def test_without_npm_the_scripts_say_so(checkout, command):
    (checkout / ".venv").symlink_to(ROOT / ".venv")
    result = run(checkout, command)
    assert result.returncode == 1
    assert "Newsroom needs Node.js and npm" in result.stderr
