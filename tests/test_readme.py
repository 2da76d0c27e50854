"""The README keeps its promises: it opens with the two commands and lists every setting."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_readme_opens_with_the_set_up_and_test_commands():
    blocks = re.findall(r"```\n(.*?)```", README, flags=re.S)
    assert blocks[:2] == ["bin/dev\n", "bin/test\n"]
    assert "bin/test" in (ROOT / ".ci" / "run").read_text()


def test_every_environment_setting_is_in_the_readme_table():
    settings_source = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', settings_source))
    assert len(read) > 15
    listed = set(re.findall(r"^\| `([A-Z_]+)` \|", README, flags=re.M))
    assert read == listed
