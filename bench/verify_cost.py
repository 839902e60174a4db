"""What reading every output back costs: ``verify_output`` against protecting the same
12 MP JPEG (metadata only, the cheapest job; then with C2PA), measured in the same run.

    PYTHONPATH=. python bench/verify_cost.py
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import large_jpeg, scratch, timed  # noqa: E402


def main() -> None:
    folder = scratch()
    os.environ["ARTGUARD_HOME"] = str(folder / "home")
    from artguard.pipeline import EmbedOptions, RunContext, protect_file
    from artguard.profile import RightsProfile
    from artguard.verify import verify_output

    src = large_jpeg(folder / "photo.jpg")
    profile = RightsProfile(creator="Bench Artist")
    print(f"12 MP JPEG, {src.stat().st_size / 1e6:.1f} MB (best of 5; machine shared, figures are indicative)")
    results = {}
    for label, sign in (("metadata only", False), ("metadata + C2PA", True)):
        options = EmbedOptions(profile=profile, sign_c2pa=sign)
        ctx = RunContext()
        out = folder / f"out-{sign}.jpg"
        result = protect_file(src, out, options, ctx)
        check = timed(f"verify_output ({label})", lambda: verify_output(out, "jpeg", instance_id=None, signed=sign, new_pixels=False), repeat=5)
        whole = timed(f"protect_file, verify included ({label})", lambda: protect_file(src, out, options, ctx), repeat=5)
        results[label] = (check, whole)
        assert result.status == "ok"
    encoded = folder / "encoded.jpg"
    protect_file(src, encoded, EmbedOptions(profile=profile, sign_c2pa=False, max_size=4000), RunContext())
    check = timed("verify_output (re-encoded, reduced decode)", lambda: verify_output(encoded, "jpeg", instance_id=None, signed=False), repeat=5)
    whole = timed("protect_file, verify included (re-encoded)", lambda: protect_file(src, encoded, EmbedOptions(profile=profile, sign_c2pa=False, max_size=4000), RunContext()), repeat=3)
    results["re-encoded (resize)"] = (check, whole)
    for label, (check, whole) in results.items():
        print(f"  {label:<20} read-back = {check * 1000:6.1f} ms = {check / whole:5.1%} of the whole file")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
