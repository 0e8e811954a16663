"""Where the sample plans are."""
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus"
FORMATS = ROOT / "examples" / "formats"

NANCHANG = CORPUS / "000_973257c0ce08f055.txt"
JILIN = CORPUS / "001_d839e743d134e22a.txt"
SICHUAN = CORPUS / "002_822da9a7e9b50668.txt"
PINGLUO = CORPUS / "003_f18f31987188af28.txt"
NINGBO = CORPUS / "004_655600bdde4567aa.txt"
