"""Visible watermarks, checked on pixels: where the mark lands, what it leaves alone, what
the encoder keeps (ICC, alpha, depth), and that the GUI preview matches the full-size file."""

from __future__ import annotations

import io
import json
import shutil
import struct
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from artguard import imaging
from artguard.errors import ProfileError
from artguard.profile import POSITIONS, ProfileStore, RightsProfile, WatermarkSettings
from artguard.watermark.marks import bundled_font_path
from artguard.watermark.visible import apply_watermark, placement, render_preview

TEXT = "© 2025 Jane Doe"


def photo(width: int, height: int, seed: int = 0) -> Image.Image:
    """Smooth colour gradients plus mild noise: a mid-tone, photo-like background."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    arr = np.stack([90 + 80 * x / width, 80 + 60 * y / height, 140 - 50 * x / width], axis=-1)
    arr += rng.normal(0, 4, arr.shape)
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8), "RGB")


def changed(before: Image.Image, after: Image.Image, threshold: int = 24) -> np.ndarray:
    a = np.asarray(before.convert("RGB"), dtype=np.int16)
    b = np.asarray(after.convert("RGB"), dtype=np.int16)
    return np.abs(a - b).max(axis=2) > threshold


def bbox(mask: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    assert rows.size, "the mark changed no pixel"
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def text_mark(**kw) -> WatermarkSettings:
    kw.setdefault("opacity", 0.9)
    return WatermarkSettings(kind="text", **kw)


@pytest.mark.parametrize("position", POSITIONS)
def test_anchored_mark_lands_in_its_ninth_and_nowhere_else(position: str) -> None:
    base = photo(600, 400)
    out = apply_watermark(base.copy(), text_mark(position=position, scale=0.08), text=TEXT)
    left, top, right, bottom = bbox(changed(base, out))
    cx, cy = (left + right) / 2 / 600, (top + bottom) / 2 / 400
    col = 0 if "left" in position else 2 if "right" in position else 1
    row = 0 if "top" in position else 2 if "bottom" in position else 1
    assert int(cx * 3) == col and int(cy * 3) == row, (position, cx, cy)
    margin = round(0.03 * 400)
    assert left >= (margin if col == 0 else 0) and right <= 600 - (margin if col == 2 else 0)
    # Text height is a fraction of the short side (with outline and padding around glyphs).
    assert 0.5 * 0.08 * 400 <= bottom - top <= 1.6 * 0.08 * 400
    # Outside the mark's box not a single pixel moved.
    x0, y0, x1, y1 = placement(base.size, text_mark(position=position, scale=0.08), text=TEXT)[0]
    outside = np.ones((400, 600), bool)
    outside[max(0, y0):y1, max(0, x0):x1] = False
    assert not (np.asarray(base) != np.asarray(out)).any(axis=2)[outside].any()


def test_jpeg_output_opposite_corner_only_has_reencode_noise() -> None:
    base = photo(800, 600, seed=2)
    plain = Image.open(io.BytesIO(imaging.encode(base, "jpeg", quality=90)))
    marked = Image.open(io.BytesIO(imaging.encode(apply_watermark(base.copy(), text_mark(), text=TEXT), "jpeg", quality=90)))
    a, b = np.asarray(plain, dtype=np.int16), np.asarray(marked, dtype=np.int16)
    assert np.abs(a[:300, :400] - b[:300, :400]).mean() < 0.5  # top-left: untouched
    assert np.abs(a[480:, 560:] - b[480:, 560:]).mean() > 5  # bottom-right: the mark


def test_opacity_and_colour_are_honoured() -> None:
    base = Image.new("RGB", (400, 300), (0, 0, 0))
    full = apply_watermark(base.copy(), text_mark(opacity=1.0, outline=False, color="#ff0000", scale=0.2), text="HH")
    faint = apply_watermark(base.copy(), text_mark(opacity=0.25, outline=False, color="#ff0000", scale=0.2), text="HH")
    assert np.asarray(full)[..., 0].max() == 255 and np.asarray(full)[..., 1:].max() == 0
    assert 55 <= np.asarray(faint)[..., 0].max() <= 70  # 25 % of 255, anti-aliasing aside


def test_outline_keeps_white_text_legible_on_white() -> None:
    base = Image.new("RGB", (400, 300), (255, 255, 255))
    bare = apply_watermark(base.copy(), text_mark(outline=False, opacity=1.0), text=TEXT)
    outlined = apply_watermark(base.copy(), text_mark(outline=True, opacity=1.0), text=TEXT)
    shadowed = apply_watermark(base.copy(), text_mark(outline=False, shadow=True, opacity=1.0), text=TEXT)
    assert not changed(base, bare).any()
    assert changed(base, outlined, 100).sum() > 200
    assert changed(base, shadowed, 40).sum() > 200


def test_rotation_turns_the_mark_counter_clockwise() -> None:
    base = photo(600, 600)
    flat = bbox(changed(base, apply_watermark(base.copy(), text_mark(position="center", scale=0.06), text=TEXT)))
    mask = changed(base, apply_watermark(base.copy(), text_mark(position="center", scale=0.06, rotation=45), text=TEXT))
    turned = bbox(mask)
    assert turned[3] - turned[1] > 2.5 * (flat[3] - flat[1])  # much taller than flat text
    ys, xs = np.nonzero(mask)
    assert np.corrcoef(xs, ys)[0, 1] < -0.5  # rises to the right: counter-clockwise


def test_tiled_mark_covers_every_quadrant() -> None:
    base = photo(900, 600, seed=3)
    out = apply_watermark(base.copy(), text_mark(tile=True, opacity=0.5, scale=0.06), text=TEXT)
    mask = changed(base, out, 12)
    for quadrant in (mask[:300, :450], mask[:300, 450:], mask[300:, :450], mask[300:, 450:]):
        assert quadrant.mean() > 0.03
    assert len(placement(base.size, text_mark(tile=True, scale=0.06), text=TEXT)) >= 8


def test_logo_with_alpha_is_scaled_placed_and_transparent_where_the_logo_is(tmp_path: Path) -> None:
    logo = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    logo.paste((255, 0, 0, 255), (0, 0, 100, 100))  # left half opaque red, right half clear
    logo_path = tmp_path / "logo.png"
    logo.save(logo_path)
    base = photo(800, 500)
    settings = WatermarkSettings(kind="logo", logo_path=str(logo_path), scale=0.4, opacity=1.0, position="top-left")
    out = apply_watermark(base.copy(), settings, text="")
    x0, y0, x1, y1 = placement(base.size, settings, text="")[0]
    assert (x1 - x0, y1 - y0) == (200, 100) and (x0, y0) == (15, 15)
    arr = np.asarray(out)
    assert tuple(arr[y0 + 50, x0 + 50]) == (255, 0, 0)
    assert (arr[y0 + 5 : y1 - 5, x0 + 110 : x1] == np.asarray(base)[y0 + 5 : y1 - 5, x0 + 110 : x1]).all()


def test_a_notice_too_long_for_the_image_is_shrunk_to_fit_inside_the_margins() -> None:
    base = photo(300, 600)
    settings = text_mark(scale=0.2)
    (left, top, right, bottom), = placement(base.size, settings, text="© 2025 Jane Doe, all rights reserved")
    assert left >= 9 and right <= 291 and bottom <= 591
    out = apply_watermark(base.copy(), settings, text="© 2025 Jane Doe, all rights reserved")
    assert bbox(changed(base, out))[0] >= 9


def test_missing_logo_or_font_is_a_clear_settings_error(tmp_path: Path) -> None:
    base = photo(200, 100)
    with pytest.raises(ProfileError, match="logo"):
        apply_watermark(base, WatermarkSettings(kind="logo", logo_path=str(tmp_path / "nope.png")), text="")
    with pytest.raises(ProfileError, match="font"):
        apply_watermark(base, text_mark(font_path=str(tmp_path / "nope.ttf")), text=TEXT)


def test_user_font_file_changes_the_glyphs() -> None:
    serif = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    if not serif.exists():
        pytest.skip("no second font on this machine")
    base = photo(600, 300)
    bundled = apply_watermark(base.copy(), text_mark(), text=TEXT)
    other = apply_watermark(base.copy(), text_mark(font_path=str(serif)), text=TEXT)
    assert bundled_font_path().is_file()
    assert (np.asarray(bundled) != np.asarray(other)).any()


def test_empty_text_or_disabled_settings_leave_the_image_alone() -> None:
    base = photo(200, 100)
    assert apply_watermark(base, text_mark(), text="  ") is base
    assert apply_watermark(base, WatermarkSettings(kind="none"), text=TEXT) is base
    assert np.array_equal(np.asarray(base), np.asarray(photo(200, 100)))


def test_modes_are_kept_and_stamped_in_place() -> None:
    base = photo(400, 300)
    for mode in ("RGB", "RGBA", "L", "LA", "CMYK"):
        img = base.convert(mode)
        out = apply_watermark(img, text_mark(), text=TEXT)
        assert out is img and out.mode == mode
        assert changed(base.convert(mode), out).any(), mode
    wide = Image.fromarray((np.asarray(base.convert("L")).astype(np.uint16) * 257))
    out16 = apply_watermark(wide, text_mark(), text=TEXT)
    arr = np.asarray(out16)
    assert out16 is wide and out16.mode == "I;16"
    assert arr[:100, :100].max() > 255  # depth kept outside the mark
    assert np.abs(arr.astype(np.int32) - np.asarray(base.convert("L")).astype(np.int32) * 257).max() > 20000


def test_palette_image_becomes_rgb_or_rgba() -> None:
    palette = photo(300, 200).quantize(32)
    assert apply_watermark(palette, text_mark(), text=TEXT).mode == "RGB"
    palette.info["transparency"] = 0
    assert apply_watermark(palette, text_mark(), text=TEXT).mode == "RGBA"


@pytest.mark.parametrize("fmt", ["png", "webp"])
def test_alpha_survives_watermark_and_encode(fmt: str) -> None:
    base = photo(400, 300).convert("RGBA")
    alpha = Image.new("L", base.size, 255)
    alpha.paste(0, (0, 0, 200, 150))  # top-left quarter fully transparent
    base.putalpha(alpha)
    out = apply_watermark(base.copy(), text_mark(position="bottom-right"), text=TEXT)
    back = Image.open(io.BytesIO(imaging.encode(out, fmt, quality=90)))
    assert back.mode == "RGBA"
    assert np.array_equal(np.asarray(back.getchannel("A"))[:150, :200], np.zeros((150, 200), np.uint8))
    assert changed(base, back).any()


def _orientation_files(corpus: Path) -> list[Path]:
    folder = corpus / "jpg" / "orientation"
    return sorted(folder.glob("landscape_*.jpg")) + sorted(folder.glob("portrait_*.jpg"))


def test_exif_orientations_1_to_8_get_the_mark_where_the_viewer_sees_bottom_right(corpus: Path) -> None:
    settings = text_mark(scale=0.06)
    reference: dict[str, np.ndarray] = {}
    for path in _orientation_files(corpus):
        decoded = imaging.decode(path)
        base = decoded.image.copy()
        out = apply_watermark(decoded.image, settings, text=TEXT)
        w, h = out.size
        assert (w > h) == path.name.startswith("landscape"), path.name
        left, top, right, bottom = bbox(changed(base, out, 60))
        assert (left + right) / 2 > w * 0.55 and right > w * 0.9, (path.name, left, right)
        assert top > h * 0.8 and bottom > h * 0.9, (path.name, top, bottom)
        mark = changed(base, out, 60)
        kind = path.name.split("_")[0]
        if kind in reference:  # same scene in every file: the same glyphs at the same place
            ref = reference[kind]
            assert (ref & mark).sum() / (ref | mark).sum() > 0.8, path.name
        else:
            reference[kind] = mark


@pytest.mark.parametrize("fmt", ["jpeg", "png", "webp"])
def test_icc_profile_bytes_survive_encode(corpus: Path, fmt: str) -> None:
    decoded = imaging.decode(corpus / "jpg" / "orientation" / "landscape_6.jpg")
    assert decoded.icc_profile
    out = apply_watermark(decoded.image, text_mark(), text=TEXT)
    back = Image.open(io.BytesIO(imaging.encode(out, fmt, quality=85, icc_profile=decoded.icc_profile)))
    assert back.info.get("icc_profile") == decoded.icc_profile


def grey_icc(gamma: float = 1.8) -> bytes:
    """A minimal ICC v2 grey display profile (desc, wtpt, kTRC, cprt), made here so the
    test needs no profile file."""

    def s15(v: float) -> bytes:
        return struct.pack(">i", round(v * 65536))

    d50 = s15(0.9642) + s15(1.0) + s15(0.8249)
    name = b"Grey test\x00"
    tags = [
        (b"desc", b"desc" + bytes(4) + struct.pack(">I", len(name)) + name + bytes(78)),
        (b"wtpt", b"XYZ " + bytes(4) + d50),
        (b"kTRC", b"curv" + bytes(4) + struct.pack(">IH", 1, round(gamma * 256)) + bytes(2)),
        (b"cprt", b"text" + bytes(4) + b"none\x00" + bytes(3)),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table = body = b""
    for sig, data in tags:
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data + bytes(-len(data) % 4)
    header = (
        struct.pack(">I", offset + len(body)) + bytes(4) + struct.pack(">I", 0x02100000)
        + b"mntrGRAYXYZ " + bytes(12) + b"acsp" + bytes(28) + d50 + bytes(48)
    )
    return header + struct.pack(">I", len(tags)) + table + body


def test_grey_profile_is_kept_for_grey_png_and_converted_to_srgb_for_webp() -> None:
    icc = grey_icc()
    grey = Image.new("L", (60, 40), 128)
    png = Image.open(io.BytesIO(imaging.encode(grey, "png", icc_profile=icc)))
    assert png.mode == "L" and png.info["icc_profile"] == icc
    webp = Image.open(io.BytesIO(imaging.encode(grey, "webp", quality=100, icc_profile=icc)))
    assert webp.mode == "RGB"
    assert imaging._icc_space(webp.info["icc_profile"]) == "RGB"  # never a grey profile on RGB
    # Mid grey under gamma 1.8 is lighter in sRGB: colour-managed, not a naive copy (128).
    assert 140 <= webp.getpixel((30, 20))[0] <= 152


def test_cmyk_stays_cmyk_in_jpeg_and_becomes_rgb_in_png() -> None:
    cmyk = photo(120, 80).convert("CMYK")
    assert Image.open(io.BytesIO(imaging.encode(cmyk, "jpeg"))).mode == "CMYK"
    assert Image.open(io.BytesIO(imaging.encode(cmyk, "png"))).mode == "RGB"


def test_sixteen_bit_grey_keeps_depth_in_png_and_becomes_8_bit_in_jpeg() -> None:
    wide = Image.fromarray((np.asarray(photo(200, 100).convert("L")).astype(np.uint16) * 257))
    png = Image.open(io.BytesIO(imaging.encode(wide, "png")))
    assert png.mode == "I;16" and np.array_equal(np.asarray(png), np.asarray(wide))
    jpeg = Image.open(io.BytesIO(imaging.encode(wide, "jpeg", quality=95)))
    assert jpeg.mode == "L"
    assert np.abs(np.asarray(jpeg, np.int16) - (np.asarray(wide) >> 8).astype(np.int16)).mean() < 2


@pytest.mark.parametrize(("size", "expected"), [((3000, 2000), (1200, 800)), ((2000, 3001), (800, 1200)), ((1000, 700), (1000, 700))])
def test_max_size_gives_exact_dimensions_and_never_upscales(size: tuple[int, int], expected: tuple[int, int]) -> None:
    img = Image.new("RGB", size, (10, 20, 30))
    assert imaging.resize_max(img, 1200).size == expected
    assert imaging.resize_max(img.quantize(8), 1200).size == expected
    if size != expected:
        assert imaging.resize_max(img.quantize(8), 1200).mode == "RGB"  # not nearest-neighbour


def test_jpeg_reencode_keeps_the_source_chroma_subsampling(tmp_path: Path) -> None:
    from PIL import JpegImagePlugin

    for sampling, name in ((2, "4:2:0"), (0, "4:4:4")):
        path = tmp_path / f"s{sampling}.jpg"
        photo(320, 240).save(path, quality=80, subsampling=name)
        decoded = imaging.decode(path)
        out = apply_watermark(decoded.image, text_mark(), text=TEXT)
        back = Image.open(io.BytesIO(imaging.encode(out, "jpeg", quality=95)))
        assert JpegImagePlugin.get_sampling(back) == sampling


def test_preview_on_a_proxy_matches_full_size_placement() -> None:
    full = photo(3000, 2000, seed=5)
    proxy = full.resize((1200, 800), Image.Resampling.BILINEAR)
    for settings in (text_mark(), text_mark(position="top-left", rotation=15), text_mark(tile=True), text_mark(position="center", scale=0.2)):
        big = bbox(changed(full, apply_watermark(full.copy(), settings, text=TEXT), 40))
        small_img = render_preview(proxy, settings, text=TEXT)
        assert small_img is not proxy
        small = bbox(changed(proxy, small_img, 40))
        for a, b in zip(big, small):
            assert abs(a / 2.5 - b) <= 6, (settings, big, small)
        full_boxes = placement(full.size, settings, text=TEXT)
        proxy_boxes = placement(proxy.size, settings, text=TEXT)
        assert len(full_boxes) == len(proxy_boxes)
        for fb, pb in zip(full_boxes, proxy_boxes):
            centre_full = ((fb[0] + fb[2]) / 5, (fb[1] + fb[3]) / 5)
            centre_proxy = ((pb[0] + pb[2]) / 2, (pb[1] + pb[3]) / 2)
            # Within 0.7 % of the proxy's long side, even for the outermost tiles.
            assert abs(centre_full[0] - centre_proxy[0]) <= 8 and abs(centre_full[1] - centre_proxy[1]) <= 8


def test_concurrent_stamping_matches_serial_results() -> None:
    images = [photo(300 + 40 * i, 200 + 30 * i, seed=i) for i in range(8)]
    settings = text_mark(tile=True, opacity=0.4)
    serial = [np.asarray(apply_watermark(img.copy(), settings, text=f"{TEXT} {i % 3}")) for i, img in enumerate(images)]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(lambda p: np.asarray(apply_watermark(p[1].copy(), settings, text=f"{TEXT} {p[0] % 3}")), enumerate(images)))
    assert all(np.array_equal(a, b) for a, b in zip(serial, parallel))


def test_watermark_settings_round_trip_through_a_saved_profile() -> None:
    store = ProfileStore()
    profile = RightsProfile(name="studio", creator="Jane Doe")
    profile.watermark = WatermarkSettings(kind="text", position="top", shadow=True, tile=True, tile_angle=20, color="#202020")
    store.save(profile)
    loaded = store.get("studio").watermark
    assert loaded == profile.watermark
    assert profile.expand(loaded.text, filename="a.jpg").endswith("Jane Doe")


def _embed_has_watermarks() -> bool:
    exe = Path(sys.executable).with_name("artguard")
    if not exe.exists():
        return False
    out = subprocess.run([str(exe), "embed", "--help"], capture_output=True, text=True).stdout
    return "--watermark-text" in out


@pytest.mark.skipif(not _embed_has_watermarks(), reason="artguard embed has no --watermark-text yet")
def test_cli_embed_marks_every_orientation_bottom_right_and_resets_the_tag(corpus: Path, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in _orientation_files(corpus):
        shutil.copy(path, inputs / path.name)
    outdir = tmp_path / "out"
    exe = Path(sys.executable).with_name("artguard")
    run = subprocess.run(
        [str(exe), "embed", str(inputs), "-o", str(outdir), "--no-c2pa", "--watermark-text", "(c) {creator}",
         "--creator", "Jane Doe", "--watermark-opacity", "0.9", "--json"],
        capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    outputs = [Path(r["output"]) for r in (results["files"] if isinstance(results, dict) else results)]
    assert len(outputs) == 16
    for out_path in outputs:
        source = imaging.decode(inputs / out_path.name).image
        written = Image.open(out_path)
        assert written.getexif().get(0x0112, 1) == 1, out_path.name  # nobody rotates it again
        shown = imaging.decode(out_path).image
        assert shown.size == source.size, out_path.name
        w, h = shown.size
        left, top, right, bottom = bbox(changed(source, shown, 60))
        assert (left + right) / 2 > w * 0.55 and right > w * 0.9, (out_path.name, left, right)
        assert top > h * 0.8 and bottom > h * 0.9, (out_path.name, top, bottom)


def test_cjk_in_a_name_uses_the_fallback_face_instead_of_empty_boxes() -> None:
    from artguard.watermark.marks import FALLBACK_FONT, font_runs

    runs = font_runs("© 2026 Zoë 山田")
    assert [run for run, _ in runs] == ["© 2026 Zoë ", "山田"]
    assert runs[1][1].endswith(FALLBACK_FONT)
    settings = WatermarkSettings(kind="text", position="center", scale=0.2, opacity=1.0, outline=False)
    drawn = apply_watermark(Image.new("L", (400, 200), 0), settings, text="山田")
    boxes = apply_watermark(Image.new("L", (400, 200), 0), settings, text="\U000F0000\U000F0000")
    assert np.asarray(drawn).any() and not np.array_equal(np.asarray(drawn), np.asarray(boxes))
