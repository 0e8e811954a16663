"""Bad inputs in a batch: each gets one line naming the file and the reason; the rest is built."""
import shutil
import subprocess
import sys

import pytest

from files import make_bad_batch
from kg.pipeline import MAX_FILE_BYTES, Job, _run, build
from kg.workspace import Workspace
from loaders.readers import read
from loaders.readers.legacy import office
from samples import CORPUS, FORMATS, JILIN, NINGBO, ROOT

KG = [sys.executable, "-m", "kg.cli"]


def test_a_batch_of_bad_files_builds_the_good_one(tmp_path):
    expected = make_bad_batch(tmp_path / "in")
    with Workspace(tmp_path / "db", create=True) as ws:
        report = build(ws, [tmp_path / "in"], jobs=1)
    assert [p.rsplit("/", 1)[-1] for p in report.built] == [JILIN.name]
    reasons = {p.rsplit("/", 1)[-1]: r for p, r in report.failed}
    assert set(reasons) == set(expected)
    for name, words in expected.items():
        assert words in reasons[name], (name, reasons[name])
        assert "\n" not in reasons[name]


def test_the_command_exits_1_and_prints_one_line_per_bad_file(tmp_path):
    expected = make_bad_batch(tmp_path / "in")
    done = subprocess.run(KG + ["build", str(tmp_path / "in"), "--db", str(tmp_path / "db"), "-q"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == len(expected)
    for name in expected:
        assert sum(line.startswith("error: ") and f"/{name}: " in line for line in lines) == 1
    ok = subprocess.run(KG + ["build", str(CORPUS), "--db", str(tmp_path / "db2"), "-q"],
                        capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0 and ok.stderr == ""
    usage = subprocess.run(KG + ["build", "--db", str(tmp_path / "db3")], capture_output=True, text=True, cwd=ROOT)
    assert usage.returncode == 2


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)
    _, graph, error = _run(Job("big.txt", big, "0" * 64))
    assert graph is None and "file too large" in error


def test_a_file_that_takes_too_long_is_given_up(tmp_path):
    _, graph, error = _run(Job(JILIN.name, JILIN, "0" * 64), seconds=0.001)
    assert graph is None and "gave up after" in error
    _, graph, error = _run(Job(JILIN.name, JILIN, "0" * 64))
    assert error is None and graph


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_legacy_word_files(tmp_path, suffix):
    path = tmp_path / f"plan{suffix}"
    if office() is None:
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
        _, _, error = _run(Job(path.name, path, "0" * 64))
        assert "install LibreOffice" in error
        return
    # With LibreOffice: make a real legacy file from the sample .docx, then read it back.
    subprocess.run([office(), "--headless", "--convert-to", suffix[1:], "--outdir", str(tmp_path),
                    str(FORMATS / "003_pingluo_2020.docx")], capture_output=True, timeout=180, check=True)
    made = tmp_path / f"003_pingluo_2020{suffix}"
    document = read(made)
    assert any(len(getattr(b, "rows", ())) == 32 for b in document.blocks)


def test_mislabelled_and_mixed_encodings(tmp_path):
    # GB18030 bytes in a .md file, and a page that says gb2312 but is UTF-8.
    gbk = tmp_path / "plan.md"
    gbk.write_bytes(NINGBO.read_text("utf-8").encode("gb18030"))
    assert "共青团宁波市委" in "".join(getattr(b, "text", "") for b in read(gbk).blocks)
    page = tmp_path / "page.html"
    html = (FORMATS / "002_sichuan_2021.html").read_text("utf-8").replace('charset="utf-8"', 'charset="gb2312"')
    page.write_bytes(html.encode("utf-8"))
    assert "青年大学习" in "".join(getattr(b, "text", "") for b in read(page).blocks)
    # UTF-8 with one stray GBK sentence: read (one way or the other) or refused, never a crash.
    mixed = tmp_path / "mixed.txt"
    mixed.write_bytes(JILIN.read_bytes() + "附件：青年之家名单".encode("gbk"))
    _, graph, error = _run(Job(mixed.name, mixed, "0" * 64))
    assert (graph is not None) != (error is not None)
