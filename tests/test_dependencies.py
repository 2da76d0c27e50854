"""Every dependency is pinned, the indirect ones too, and .venv holds exactly what is pinned."""

import re
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line or line.startswith("-"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)(\[[^\]]+\])?==([^=\s]+)", line)
        assert match, f"{path.name}: “{line}” is not pinned with =="
        found[canonical(match.group(1))] = match.group(3)
    return found


def test_requirements_pin_every_package_they_name():
    for name in ("requirements.txt", "requirements-dev.txt"):
        assert pins(ROOT / name)


def test_the_constraints_pin_what_the_requirements_name_and_everything_installed_with_them():
    constraints = pins(ROOT / "constraints.txt")
    for name in ("requirements.txt", "requirements-dev.txt"):
        for package, version in pins(ROOT / name).items():
            assert constraints.get(package) == version, f"{package} is {version} in {name}"
    installed = {canonical(dist.metadata["Name"]): dist.version for dist in metadata.distributions()}
    installed.pop("pip", None)
    assert installed == constraints, "regenerate constraints.txt as its header says"
