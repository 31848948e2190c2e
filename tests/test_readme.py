"""The README's "Output" shell block runs as written, line by line, on a store made from the
bundle (as `bilat data bundle` makes it), from a folder holding the README's `examples/`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
pytestmark = pytest.mark.bundle


def output_snippets() -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    section = text.split("\n## Output\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "README: the Output section has no bash block"
    lines = [ln.split(" # ")[0].rstrip() for ln in block.group(1).splitlines()]
    return [ln for ln in lines if ln.strip()]


def test_output_block_lists_the_commands():
    lines = output_snippets()
    assert len(lines) >= 8 and all("bilat " in ln for ln in lines)


@pytest.mark.parametrize("line", output_snippets())
def test_readme_output_line_runs(line, bundle_store, tmp_path):
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["BILAT_STORE"] = str(bundle_store.root)
    done = subprocess.run(
        ["bash", "-c", line], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{line}\n{done.stderr}"
    if "--out" in line:
        name = line.split("--out ", 1)[1].split()[0]
        assert (tmp_path / name).stat().st_size > 0
        assert done.stderr.strip().endswith(f"wrote {name}")
    elif "COLUMNS=100" in line:
        assert max(len(x) for x in done.stdout.splitlines()) <= 100
        assert "15.33 bn" in done.stdout and "3.6 %" in done.stdout
    else:
        assert done.stdout.strip()
