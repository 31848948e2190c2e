"""The pages' JavaScript formats numbers as bilat.render.numbers does (run in Node)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from bilat.render import numbers

COMMON_JS = Path(__file__).parents[2] / "src/bilat/api/static/common.js"
RUNNER = """
const fs = require("fs"), vm = require("vm");
const ctx = {}; vm.createContext(ctx);
vm.runInContext(fs.readFileSync(process.argv[1], "utf8") + "\\n;globalThis.bilat = bilat;", ctx);
const b = ctx.bilat, money = JSON.parse(process.argv[2]), pct = JSON.parse(process.argv[3]),
  num = JSON.parse(process.argv[4]);
console.log(JSON.stringify([money.map(b.usd), pct.map(v => b.pct(v)), num.map(v => b.num(v))]));
"""
MONEY = [15_326_241_792, 1_011_416_832, -1_011_416_832, 482_700_000, 999_960_000, 12_345.4, 2.5e12]
PERCENT = [3.64, -37.619, -0.01, 137.6]
NUMBER = [0.021764, 0.2364, 1.87, 9.185309, 12_345.2, -0.4242]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node (Debian nodejs)")
def test_js_matches_python():
    out = subprocess.run(
        ["node", "-e", RUNNER, str(COMMON_JS), *(json.dumps(x) for x in (MONEY, PERCENT, NUMBER))],
        capture_output=True,
        text=True,
        check=True,
    )
    money, pct, num = json.loads(out.stdout)
    assert money == [numbers.money(v) for v in MONEY]
    assert money[:2] == ["15.33 bn USD", "1.011 bn USD"]  # written by hand
    assert pct == [numbers.percent(v) for v in PERCENT] == ["3.6 %", "−37.6 %", "0.0 %", "137.6 %"]
    assert num == [numbers.number(v) for v in NUMBER]
