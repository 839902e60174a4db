"""Metadata-only embed of 100 copies of a 12 MP JPEG: artguard vs exiftool vs cp.

Goal (issue 3): artguard's wall time <= exiftool's and within 2x of `cp`.
Run: .venv/bin/python bench/embed_metadata.py [--count N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _common import ARTGUARD, copies, large_jpeg, run, scratch, timed  # noqa: E402

FIELDS = {
    "Artist": "Zoë 山田",
    "Copyright": "© 2026 Zoë 山田. All rights reserved.",
    "IPTC:By-line": "Zoë 山田",
    "IPTC:CopyrightNotice": "© 2026 Zoë 山田. All rights reserved.",
    "XMP-dc:Creator": "Zoë 山田",
    "XMP-dc:Rights": "© 2026 Zoë 山田. All rights reserved.",
    "XMP-xmpRights:Marked": "True",
    "XMP-xmpRights:WebStatement": "https://zoe.example/rights",
    "XMP-plus:DataMining": "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING",
    "XMP-iptcExt:DigitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCreation",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100)
    args = parser.parse_args()
    work = scratch()
    source = large_jpeg(work / "source.jpg")
    inputs = copies(source, work / "in", args.count)
    size_mb = source.stat().st_size / 1e6
    print(f"{args.count} copies of a 12 MP JPEG ({size_mb:.1f} MB each), page cache warm")
    env = {"ARTGUARD_HOME": str(work / "home")}

    def fresh(name: str) -> str:
        folder = work / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        return str(folder)

    run("cat", *map(str, inputs))  # warm the page cache
    t_cp = timed("cp (one process, all files)", lambda: run("cp", *map(str, inputs), fresh("cp")))
    exif_args = [f"-{k}={v}" for k, v in FIELDS.items()]
    t_exiftool = None
    if shutil.which("exiftool"):
        t_exiftool = timed(
            "exiftool (one process, -o new folder)",
            lambda: run("exiftool", "-q", "-charset", "iptc=UTF8", "-codedcharacterset=utf8", *exif_args,
                        "-o", fresh("exiftool") + "/", *map(str, inputs)),
        )
    variants = {
        "artguard embed --no-c2pa --no-catalog": ["--no-catalog"],
        "artguard embed --no-c2pa (catalog record)": [],
        "artguard embed --no-c2pa --no-catalog --jobs 1": ["--no-catalog", "--jobs", "1"],
    }
    times = {}
    for label, extra in variants.items():
        times[label] = timed(
            label,
            lambda extra=extra: run(ARTGUARD, "embed", str(work / "in"), "-o", fresh("ag"), "--creator", "Zoë 山田",
                                    "--web-statement", "https://zoe.example/rights", "--no-c2pa", "--force", *extra, env=env),
        )
    print(f"per file: cp {t_cp / args.count * 1000:.1f} ms"
          + (f", exiftool {t_exiftool / args.count * 1000:.1f} ms" if t_exiftool else ""))
    for label, t in times.items():
        ratios = f"{t / t_cp:.2f}x cp" + (f", {t / t_exiftool:.2f}x exiftool" if t_exiftool else "")
        print(f"  {label:<48} {t / args.count * 1000:6.1f} ms/file  {ratios}")
    print("goals: <= 1.0x exiftool and <= 2.0x cp")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
