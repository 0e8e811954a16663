"""The README leads with its two set-up commands, and .ci/run runs exactly those: the main
command, then the test command, which installs what the tests need beyond the virtualenv."""
from __future__ import annotations

import re
import subprocess

from samples import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def between(marker: str) -> list[str]:
    block = re.search(rf"<!-- {marker} -->\n```\n(.*?)```\n<!-- /{marker} -->", README, re.S)
    assert block, marker
    return block.group(1).splitlines()


def test_the_readme_leads_with_two_commands_of_one_line_each():
    fences = [m.start() for m in re.finditer(r"^```", README, re.M)]
    assert README.index("<!-- main-command -->") < fences[0] < fences[1] < README.index("<!-- /main-command -->")
    assert README.index("<!-- test-command -->") < fences[2] < fences[3] < README.index("<!-- /test-command -->")
    assert len(between("main-command")) == len(between("test-command")) == 1
    assert between("test-command")[0].startswith("tools/test-deps && ")


def test_ci_runs_the_readmes_two_commands():
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    body = script[script.index("command_between()"):]
    shown = subprocess.run(["bash", "-c", body.split("\nfor marker")[0]
                            + "\ncommand_between main-command; command_between test-command"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()
    assert shown == between("main-command") + between("test-command")
    assert "for marker in main-command test-command" in script


def test_skipped_tests_name_the_command_that_installs_what_they_need():
    for helper in ("cypher_lint.py", "browser.py"):
        assert "run: tools/test-deps" in (ROOT / "tests" / helper).read_text("utf-8"), helper
    deps = ROOT / "tools" / "test-deps"
    assert deps.stat().st_mode & 0o111
    text = deps.read_text("utf-8")
    for need in ("npm ci --prefix tools/cypher-lint", "chromium", "chromium-driver", "fonts-noto-cjk"):
        assert need in text, need
