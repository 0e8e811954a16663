"""Legacy word-processor files (.doc, .wps, .rtf): converted to .docx by LibreOffice when installed."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from loaders.model import RawDocument, ReadError

from .docx import read_docx

CONVERT_SECONDS = 120


def office() -> str | None:
    """The LibreOffice command on this machine, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_legacy(path: Path, data: bytes) -> RawDocument:
    """Convert with ``soffice --headless --convert-to docx`` and read the result."""
    command = office()
    if command is None:
        raise ReadError(path, f"legacy '{path.suffix.lower()}' file: install LibreOffice to convert it "
                              "automatically, or save it as .docx, .pdf or .txt")
    with tempfile.TemporaryDirectory(prefix="kg-convert-") as tmp:
        source = Path(tmp) / ("input" + path.suffix.lower())
        source.write_bytes(data)
        try:
            subprocess.run([command, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                            "--convert-to", "docx", "--outdir", tmp, str(source)],
                           capture_output=True, timeout=CONVERT_SECONDS, check=False)
        except subprocess.TimeoutExpired as err:
            raise ReadError(path, f"LibreOffice took longer than {CONVERT_SECONDS} s to convert it") from err
        converted = Path(tmp) / "input.docx"
        if not converted.exists():
            raise ReadError(path, f"LibreOffice could not convert this '{path.suffix.lower()}' file")
        document = read_docx(path, converted.read_bytes())
    document.media_type = "application/msword" if path.suffix.lower() == ".doc" else document.media_type
    return document
