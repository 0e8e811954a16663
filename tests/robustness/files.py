"""Bad files made from the real samples, as users meet them in downloaded batches."""
from __future__ import annotations

from pathlib import Path

from samples import FORMATS, JILIN

NEWS = """新华社北京3月5日电 十三届全国人大四次会议5日上午在人民大会堂开幕。
国务院总理代表国务院向大会作政府工作报告。报告回顾了过去一年的工作，指出各项任务顺利完成。
会议期间，代表们认真审议报告，围绕经济社会发展积极建言献策。
"""


def scanned_pdf() -> bytes:
    """A one-page PDF that only draws (a scanned page has pictures, no text layer)."""
    content = b"0.2 0.2 0.2 rg 72 72 468 648 re f"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def make_bad_batch(folder: Path) -> dict[str, str]:
    """Write a batch of bad files beside one good plan; file name -> words its error must hold."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / JILIN.name).write_bytes(JILIN.read_bytes())
    docx = (FORMATS / "003_pingluo_2020.docx").read_bytes()
    pdf = (FORMATS / "000_nanchang_2021.pdf").read_bytes()
    files = {
        "empty.txt": (b"", "empty file"),
        "blank.txt": (" \n\t\n".encode(), "empty file"),
        "junk.txt": (bytes(range(256)) * 64, "not a text file"),
        "truncated.docx": (docx[: len(docx) // 2], "corrupt .docx"),
        "truncated.pdf": (pdf[: len(pdf) // 3], ".pdf"),
        "scanned.pdf": (scanned_pdf(), "no text layer"),
        "news.txt": (NEWS.encode("utf-8"), "not a work plan"),
        "big.txt": (("一、" + "青" * 1000 + "\n").encode("utf-8") * 6000, "file too large"),
    }
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)
    return {name: words for name, (_, words) in files.items()}
