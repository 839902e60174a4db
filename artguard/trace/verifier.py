"""Verify a candidate before any claim: align the copy to the reference, compare the pixels.

Local features give the geometry where the picture has corners; where it has few (smooth
gradients, fog, flat-colour art) a dense alignment (OpenCV's ECC) refines simple
hypotheses instead: the copy filling the reference, or its non-uniform content (borders
trimmed), each also mirrored. Either way the verdict comes from the aligned pixels
(``compare``), never from a match count.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
from PIL import Image

from artguard.trace import align, locate, transform
from artguard.trace.compare import Agreement, compare
from artguard.trace.reference import Features, Reference, detect, grey_array

COPY_SIDE = 512
Relation = Literal["same", "derivative"]

# Measured with bench/trace.py (see the module docstring there for the figures).
SAME_AGREE = 0.6
SAME_TONE = 0.8
MAX_PAINTED = 0.08  # share of inner blocks whose detail may differ (JPEG noise, text near a strip)
# A dense alignment has no inlier evidence and can bend one smooth picture onto another:
# it must agree almost everywhere.
DENSE_AGREE = 0.85
DENSE_TONE = 0.9
SMOOTH_TONE = 0.93  # no texture to compare: the tone fit alone must be near perfect
DERIVATIVE_STRUCTURE = 0.45
DERIVATIVE_INLIERS = 15
_MIN_TEXTURED = 12
_DENSE_SIDE = 160
_QUICK_SCORE = 0.95
_ROTATIONS = (5.0, -5.0, 10.0, -10.0)  # degrees: where re-posters straighten or tilt
_PRECISE_INLIERS = 25  # feature fits with fewer inliers can be 1-3° off on smooth art
_REFINE_SIDE = 384  # the reference's long edge
# On smooth pictures ECC can also "agree" with a stretched fit; platforms stretch by 10 %.
_DENSE_STRETCH = 1.13
# Re-posts show at least a good part of the picture (crops to about half the area, a 9:16
# story of a landscape a third). A fit that lays the whole copy onto a sliver of the
# original is chance: RANSAC's tolerance is in reference pixels, and in a 30 px patch any
# twenty matches of a busy texture "agree" (an okonomiyaki photo fitted into a lighthouse
# at 22x, 0.2 % of it, and was called a derivative).
MIN_SHOWN = 0.15
# A recoloured variant aligned by its edges (``verify_recoloured``): the edge maps' correlation
# and the share of textured blocks whose edges agree. An emerald wallpaper's dark variant:
# 0.83 and 0.82; the nearest unrelated wallpaper 0.41 and 0.25 (bench/trace.py).
RECOLOURED_EDGES = 0.7
RECOLOURED_STRUCTURE = 0.7


class CopyView:
    """One copy as verification needs it, made once per copy and shared by all candidates."""

    def __init__(self, img: Image.Image | np.ndarray, size: tuple[int, int]) -> None:
        self.grey = img if isinstance(img, np.ndarray) else grey_array(img, COPY_SIDE)
        self.size = size  # the copy file's real width, height

    @functools.cached_property
    def features(self) -> Features:
        return detect(self.grey, 1500)

    @functools.cached_property
    def flipped_features(self) -> Features:
        return detect(np.ascontiguousarray(self.grey[:, ::-1]), 1500)

    @functools.cached_property
    def inverted(self) -> CopyView:
        """The copy with lightness inverted: an artist's dark variant turns back into the
        light composition (still a derivative: its colours are not the original's)."""
        return CopyView(255 - self.grey, self.size)

    @functools.cached_property
    def content_box(self) -> tuple[int, int, int, int]:
        """x0, y0, x1, y1 of the picture in the copy (borders, letterbox, screenshot cut off)."""
        return picture_box(self.grey)


@dataclass(frozen=True)
class Verification:
    relation: Relation
    agreement: Agreement
    inliers: int  # feature inliers (0 for a dense alignment)
    method: Literal["features", "dense"]
    transform: transform.Transform
    matrix: np.ndarray  # copy-grey pixels -> reference pixels
    reference_shape: tuple[int, int]  # (height, width) of the reference the matrix maps into

    @property
    def score(self) -> float:
        return self.agreement.score


def verify(copy: CopyView, ref: Reference, original_size: tuple[int, int], *, thorough: bool = True) -> Verification | None:
    """Same picture, derivative, or None (no match).

    The cheap dense check of the unmirrored hypotheses runs first: most re-posts are the
    whole picture re-encoded or lightly cropped, and a near-perfect agreement there spares
    the copy's SIFT run (the largest cost of a check). ``thorough``: when nothing else
    aligns, also try partial crops densely and look for a lightness-inverted variant (more
    ECC runs and one more SIFT run: worth it for close candidates only). A fit with little
    evidence behind it (dense, or few inliers) is refined before it is described."""
    found, refined = _align(copy, ref, original_size, thorough)
    if found is not None and not refined and found.relation == "same" and found.inliers < _PRECISE_INLIERS and not _clean(found):
        return _refine(copy, ref, found, original_size)[0]
    return found


def _clean(v: Verification) -> bool:
    """The whole frame, unrotated and unstretched, filling the copy: a re-post the first
    hypothesis fitted exactly, where refining would change no word (and cost ~20 ms). A
    picture inside a canvas (screenshot, border) is not: the copy's frame then does not fix
    the scale, and the 160 px fit can be 2 % off, enough to miss the invisible mark. Only
    with texture to pin it: on a smooth gradient with a few hairlines, a 2°-turned crop
    also "agrees" as the whole frame slightly scaled."""
    t = v.transform
    return (t.shown >= 0.99 and t.picture_share >= 0.99 and abs(t.rotation) < 0.5
            and abs(t.scale_x / t.scale_y - 1) < 0.01 and v.agreement.textured_blocks >= _MIN_TEXTURED)


def _align(copy: CopyView, ref: Reference, original_size: tuple[int, int], thorough: bool) -> tuple[Verification | None, bool]:
    """The best verification and whether it is refined already."""
    quick = _dense(copy, ref, original_size, flips=(False,))
    if quick is not None and quick.score >= _QUICK_SCORE:
        if _clean(quick):
            return quick, True
        # A smooth, nearly symmetric picture also "agrees" unmirrored, slightly turned: the
        # finer fit decides between that and the mirrored one.
        mirrored = _dense(copy, ref, original_size, flips=(True,))
        fits = [_refine(copy, ref, v, original_size) for v in (quick, mirrored) if v is not None]
        return max(fits, key=lambda fit: fit[1])[0], True
    best: Verification | None = None
    for mirrored, feats in ((False, "features"), (True, "flipped_features")):
        found = align.fit(getattr(copy, feats), ref.features)
        if found is None:
            continue
        matrix = align.unflip(found.matrix, copy.grey.shape[1]) if mirrored else found.matrix
        candidate = _judge(copy, ref, matrix, found.inliers, "features", original_size)
        if candidate is not None and (best is None or _rank(candidate) > _rank(best)):
            best = candidate
        if best is not None and best.relation == "same":
            return best, False
    dense = _dense(copy, ref, original_size, flips=(True,)) if quick is None else quick
    if dense is not None and (best is None or _rank(dense) > _rank(best)):
        best = dense
    if best is not None and best.method == "dense" and best.score < _QUICK_SCORE:
        # A loose frame fit (a 2°-turned gradient fitted as 5°) is refined first: once
        # exact it needs no partial-crop search, whose unturned placements could then win.
        refined, _ = _refine(copy, ref, best, original_size)
        if refined.score >= _QUICK_SCORE:
            return refined, True
    if (best is None and thorough) or (best is not None and best.method == "dense" and best.score < _QUICK_SCORE):
        # Nothing, or only a loose frame fit (smooth art bends onto a wrong mirror or
        # scale): partial crops and rotations too, and the better agreement wins.
        partial = _dense(copy, ref, original_size, flips=(False, True), partial=True)
        if partial is not None and (best is None or _rank(partial) > _rank(best)):
            best = partial
    if best is None and thorough:
        best = _dark_variant(copy, ref, original_size)
    return best, False


class _Fine:
    """Dense alignment at the reference's own resolution, with the copy's picture as the
    template (pixels outside the reference's frame left out): fits made on small blurred
    images (or by the template search) can be 1-4° or a few pixels off, too much for
    hairline art and tiny stars to agree, and the words would report a rotation or a
    stretch."""

    def __init__(self, copy: CopyView, ref: Reference) -> None:
        ch, cw = copy.grey.shape
        f = _REFINE_SIDE / max(ch, cw)
        self.size = (max(8, round(cw * f)), max(8, round(ch * f)))
        self.template = cv2.GaussianBlur(cv2.resize(copy.grey, self.size, interpolation=cv2.INTER_AREA), (0, 0), 0.7).astype(np.float32)
        self.target = cv2.GaussianBlur(ref.grey, (0, 0), 0.7).astype(np.float32)
        self.scale = np.diag([1 / f, 1 / f, 1.0])  # template pixels -> copy-grey pixels
        x0, y0, x1, y1 = (round(c * f) for c in copy.content_box)
        self.picture = np.zeros(self.template.shape, np.uint8)
        inset = max(2, round(0.03 * min(x1 - x0, y1 - y0)))  # the picture box may take in a pixel or two of page
        self.picture[y0 + inset:y1 - inset, x0 + inset:x1 - inset] = 1

    def _in_template(self, matrix: np.ndarray) -> np.ndarray:
        return (align.compose(matrix) @ self.scale)[:2].astype(np.float32)

    def correlation(self, matrix: np.ndarray) -> float:
        warp = self._in_template(matrix)
        warped = cv2.warpAffine(self.target, warp, self.size, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP)
        inside = cv2.warpAffine(np.ones(self.target.shape, np.uint8), warp, self.size, flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP)
        mask = self.picture & inside
        return float(cv2.computeECC(self.template, warped, mask)) if mask.sum() >= 64 else -1.0

    def fit(self, start: np.ndarray) -> np.ndarray | None:
        """ECC from ``start`` (copy-grey -> reference pixels); None when it fails or bends
        into something no platform does."""
        try:  # compared where the copy shows its picture and the reference has pixels
            _, warp = cv2.findTransformECCWithMask(self.template, self.target, self.picture, np.ones(self.target.shape, np.uint8),
                                                   self._in_template(start), cv2.MOTION_AFFINE,
                                                   (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 30, 1e-5), 1)
        except cv2.error:
            return None
        refined = (align.compose(warp) @ np.linalg.inv(self.scale))[:2]
        return refined if align.plausible(refined, max_stretch=_DENSE_STRETCH) else None


def _refine(copy: CopyView, ref: Reference, v: Verification, original_size: tuple[int, int]) -> tuple[Verification, float]:
    """A loose fit refined at the reference's resolution (``_Fine``). ECC also runs from
    the frame hypotheses (the picture filling the reference, or its centred crop), and the
    best correlation wins: it can settle in a turned optimum next to the exact one.
    Returns the fit and its correlation."""
    rh, rw = ref.grey.shape
    fine = _Fine(copy, ref)
    options = [m for m in map(fine.fit, [v.matrix, *_hypotheses(copy, rw, rh, (v.transform.mirrored,))]) if m is not None]
    ranked = sorted(((fine.correlation(m), i, m) for i, m in enumerate(options)), key=lambda t: t[:2], reverse=True)
    own = fine.correlation(v.matrix)
    for ecc, _, matrix in ranked:
        if ecc <= own:
            break
        found = _judge(copy, ref, matrix, v.inliers, v.method, original_size)
        if found is not None and found.relation == v.relation:
            return found, ecc
    return v, own


def _dark_variant(copy: CopyView, ref: Reference, original_size: tuple[int, int]) -> Verification | None:
    """A derivative whose lightness is inverted: aligned by the inverted copy's features (or
    densely where it has none), then either its edges match (``structure``) or the inverted
    copy is the reference's picture."""
    inverted = copy.inverted
    found = align.fit(inverted.features, ref.features)
    if found is not None:
        direct = _judge(copy, ref, found.matrix, found.inliers, "features", original_size)
        if direct is not None:
            return direct if direct.relation == "derivative" else dataclasses.replace(direct, relation="derivative")
    back = _dense(inverted, ref, original_size, flips=(False,))
    return dataclasses.replace(back, relation="derivative") if back is not None else None


def verify_recoloured(copy: CopyView, ref: Reference, original_size: tuple[int, int]) -> Verification | None:
    """A derivative in other colours whose lightness maps to the original's no single way
    (a dark variant where some shapes turned lighter than their ground and others darker):
    grey levels and their inverse both fail, features too, but edge strength is the same.
    ECC aligns the edge maps from the frame hypotheses; the variant must then share the
    edges (``structure``) over most textured blocks. Only for candidates whose structure
    hash is close: look-alike art of one series also shares many edges."""
    copy_edges, f = _edge_map(copy.grey)
    ref_edges, g = _edge_map(ref.grey)
    rh, rw = ref.grey.shape
    fits = [fit for fit in (_ecc(ref_edges, g, copy_edges, f, start) for start in _hypotheses(copy, rw, rh, (False, True)))
            if fit is not None]
    ecc, matrix = max(fits, key=lambda fit: fit[0], default=(0.0, None))
    if matrix is None or ecc < RECOLOURED_EDGES:
        return None
    shape = _shape(copy, ref, matrix, original_size)
    agreement = compare(copy.grey, ref.grey, matrix)
    if shape.shown < MIN_SHOWN or agreement.textured_blocks < _MIN_TEXTURED or agreement.structure < RECOLOURED_STRUCTURE:
        return None
    return Verification("derivative", agreement, 0, "dense", shape, matrix, ref.grey.shape)


def _edge_map(grey: np.ndarray) -> tuple[np.ndarray, float]:
    """Edge strength at ``_DENSE_SIDE`` (sign-free: a shape lighter or darker than its
    ground alike), and the scale from ``grey`` to it."""
    small, f = _small(grey)
    edges = cv2.magnitude(cv2.Sobel(small, cv2.CV_32F, 1, 0), cv2.Sobel(small, cv2.CV_32F, 0, 1))
    return cv2.GaussianBlur(edges, (0, 0), 1.5), f


def _small(grey: np.ndarray) -> tuple[np.ndarray, float]:
    """``grey`` at ``_DENSE_SIDE``, blurred, as ECC takes it (float32), and the scale to it."""
    h, w = grey.shape
    f = _DENSE_SIDE / max(h, w)
    small = cv2.GaussianBlur(cv2.resize(grey, (max(8, round(w * f)), max(8, round(h * f))), interpolation=cv2.INTER_AREA), (0, 0), 1.0)
    return small.astype(np.float32), f


def _ecc(template: np.ndarray, g: float, image: np.ndarray, f: float, start: Start) -> tuple[float, np.ndarray] | None:
    """ECC from ``start`` (copy-grey -> reference pixels) between the reference's
    ``template`` (at scale ``g``) and the copy's ``image`` (at scale ``f``): the correlation
    and the fitted copy-grey -> reference map, or None when ECC fails or the fit bends into
    something no platform does."""
    warp = (np.diag([g, g, 1]) @ np.vstack([start, [0, 0, 1]]) @ np.diag([1 / f, 1 / f, 1]))[:2].astype(np.float32)
    try:
        ecc, warp = cv2.findTransformECC(template, image, _invert(warp), cv2.MOTION_AFFINE,
                                         (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 60, 1e-4), None, 3)
    except cv2.error:
        return None
    matrix = (np.diag([1 / g, 1 / g, 1]) @ np.linalg.inv(np.vstack([warp, [0, 0, 1]])) @ np.diag([f, f, 1]))[:2]
    return (float(ecc), matrix) if align.plausible(matrix, max_stretch=_DENSE_STRETCH) else None


def picture_inside(v: Verification, copy: CopyView) -> float:
    """Share of the copy's picture (its content box) that lies inside the reference's frame.

    A copy made from a wider export shows more than a narrower crop of the same original:
    aligned to the crop, part of its picture falls outside the crop's frame. Below 1 means
    the copy cannot have been made from this export alone."""
    x0, y0, x1, y1 = copy.content_box
    rh, rw = v.reference_shape
    back = np.linalg.inv(align.compose(v.matrix))
    frame = np.array([[0, 0, 1], [rw, 0, 1], [rw, rh, 1], [0, rh, 1]], dtype=np.float64)
    in_copy = (back @ frame.T).T[:, :2] - (x0, y0)
    inside, _ = transform.covered(in_copy, x1 - x0, y1 - y0)
    return inside


def align_to_original(work: Image.Image, v: Verification, copy: CopyView, original_size: tuple[int, int],
                      side: int = 1024) -> Image.Image:
    """The copy warped back onto the original's frame (long edge ``side``), greyscale; what
    the copy does not show stays flat grey. ``work`` is the copy decoded at any size."""
    ow, oh = original_size
    f = side / max(ow, oh)
    target = (max(1, round(ow * f)), max(1, round(oh * f)))
    rh, rw = v.reference_shape
    gh, gw = copy.grey.shape
    to_grey = np.diag([gw / work.width, gh / work.height, 1.0])
    to_target = np.diag([target[0] / rw, target[1] / rh, 1.0])
    matrix = (to_target @ np.vstack([v.matrix, [0, 0, 1]]) @ to_grey)[:2]
    grey = np.asarray(work.convert("L"), dtype=np.uint8)
    aligned = cv2.warpAffine(grey, matrix, target, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=128)
    return Image.fromarray(aligned, "L")


def _rank(v: Verification) -> tuple[int, float]:
    return (v.relation == "same", v.score)


def _judge(copy: CopyView, ref: Reference, matrix: np.ndarray, inliers: int, method: Literal["features", "dense"],
           original_size: tuple[int, int]) -> Verification | None:
    shape = _shape(copy, ref, matrix, original_size)
    if shape.shown < MIN_SHOWN:
        return None
    agreement = compare(copy.grey, ref.grey, matrix)
    relation = classify(agreement, inliers, dense=method == "dense")
    if relation is None:
        return None
    return Verification(relation, agreement, inliers, method, shape, matrix, ref.grey.shape)


def _shape(copy: CopyView, ref: Reference, matrix: np.ndarray, original_size: tuple[int, int]) -> transform.Transform:
    return transform.from_matrix(matrix, (copy.grey.shape[1], copy.grey.shape[0]), copy.size,
                                 (ref.grey.shape[1], ref.grey.shape[0]), original_size)


def classify(a: Agreement, inliers: int, *, dense: bool = False) -> Relation | None:
    """The decision rule (thresholds measured by bench/trace.py)."""
    if a.covered < 0.1:
        return None
    if a.painted > MAX_PAINTED:
        # Shared edges alone (structure) are what an unrelated picture with a few chance
        # inliers also shows: they count only with as many inliers as any derivative needs.
        if a.agree >= SAME_AGREE or (a.structure >= DERIVATIVE_STRUCTURE and inliers >= DERIVATIVE_INLIERS):
            return "derivative"
        return None
    if a.textured_blocks >= _MIN_TEXTURED:
        if a.agree >= (DENSE_AGREE if dense else SAME_AGREE) and a.tone >= (DENSE_TONE if dense else SAME_TONE):
            return "same"
    elif a.tone >= SMOOTH_TONE and (inliers >= align.MIN_INLIERS or a.textured_blocks == 0 or a.agree >= SAME_AGREE):
        return "same"
    if inliers >= DERIVATIVE_INLIERS and a.textured_blocks >= _MIN_TEXTURED and a.structure >= DERIVATIVE_STRUCTURE:
        return "derivative"
    return None


def _dense(copy: CopyView, ref: Reference, original_size: tuple[int, int], flips: tuple[bool, ...],
           partial: bool = False) -> Verification | None:
    """ECC refinement of 'fills the frame' hypotheses, for pictures without features."""
    rh, rw = ref.grey.shape
    small, f = _small(copy.grey)
    ref_small, g = _small(ref.grey)
    best: Verification | None = None
    # Partial crops: where the template search places the copy first, then fixed starts.
    located = locate.crop_starts(copy.grey, ref.grey, flips) if partial else []
    starts = [*located, *_partial_hypotheses(copy, rw, rh, flips)] if partial else _hypotheses(copy, rw, rh, flips)
    for start in starts:
        fit = _ecc(ref_small, g, small, f, start)
        if fit is None:
            continue
        candidate = _judge(copy, ref, fit[1], 0, "dense", original_size)
        if candidate is not None and candidate.relation == "same" and (best is None or candidate.score > best.score):
            best = candidate
            if best.score > 0.95:  # the hypotheses are alternatives: a near-perfect one ends the search
                break
    if best is None:
        # ECC can drift off an exact start where part of the copy is something else (a
        # caption strip over a smooth picture): the exact frame hypotheses as they are.
        exact = [*located, *_rotated_hypotheses(copy, rw, rh)] if partial else starts
        judged = [v for v in (_judge(copy, ref, start, 0, "dense", original_size) for start in exact) if v is not None and v.relation == "same"]
        best = max(judged, key=lambda v: v.score, default=None)
    if located and (best is None or best.score < _QUICK_SCORE):
        # Hairline lines and tiny stars only agree at the reference's own resolution, and
        # the small images' fit can bend (stretch) a crop of a smooth gradient.
        matrix = _Fine(copy, ref).fit(located[0])
        found = _judge(copy, ref, matrix, 0, "dense", original_size) if matrix is not None else None
        if found is not None and found.relation == "same" and (best is None or found.score > best.score):
            best = found
    return best


Start = np.ndarray  # 2 x 3: copy-grey pixels -> reference pixels, where ECC begins


def _box_start(copy_box: tuple[int, int, int, int], ref_box: tuple[float, float, float, float], mirrored: bool) -> Start:
    """The map that lays ``copy_box`` onto ``ref_box`` (flipped left-right if ``mirrored``)."""
    x0, y0, x1, y1 = copy_box
    rx0, ry0, rx1, ry1 = ref_box
    sx, sy = (rx1 - rx0) / max(1, x1 - x0), (ry1 - ry0) / max(1, y1 - y0)
    if mirrored:
        return np.array([[-sx, 0, rx0 + (x1 - 1) * sx], [0, sy, ry0 - y0 * sy]])
    return np.array([[sx, 0, rx0 - x0 * sx], [0, sy, ry0 - y0 * sy]])


def _hypotheses(copy: CopyView, rw: int, rh: int, flips: tuple[bool, ...]) -> list[Start]:
    """The picture fills the reference, or is its centred crop of the same aspect (square,
    4:5, 16:9 re-posts), as it is or mirrored."""
    ch, cw = copy.grey.shape
    found = []
    for box in dict.fromkeys([(0, 0, cw, ch), copy.content_box]):
        x0, y0, x1, y1 = box
        aspect = (x1 - x0) / max(1, y1 - y0)
        refs = [(0.0, 0.0, float(rw), float(rh))]
        if abs(np.log(aspect / (rw / rh))) > 0.05:
            cw_, ch_ = (rh * aspect, float(rh)) if rw / rh > aspect else (float(rw), rw / aspect)
            refs.append(((rw - cw_) / 2, (rh - ch_) / 2, (rw + cw_) / 2, (rh + ch_) / 2))
        for ref_box in refs:
            for mirrored in flips:
                found.append(_box_start(box, ref_box, mirrored))
    return found


def _partial_hypotheses(copy: CopyView, rw: int, rh: int, flips: tuple[bool, ...]) -> list[Start]:
    """Starting points ECC needs for pictures without features (or with only repeated
    ones, like a brick wall): a crop keeping 70 % of each side (half the area) at the nine
    places a re-poster crops from, as it is or mirrored, and the rotations apps straighten
    or tilt by."""
    x0, y0, x1, y1 = copy.content_box
    aspect = (x1 - x0) / max(1, y1 - y0)
    side = 0.7 * min(rw, rh * aspect)
    w, h = side, side / aspect
    found = []
    for fy in (0.0, 0.5, 1.0):
        for fx in (0.0, 0.5, 1.0):
            left, top = fx * (rw - w), fy * (rh - h)
            found.extend(_box_start((x0, y0, x1, y1), (left, top, left + w, top + h), mirrored) for mirrored in flips)
    return found + _rotated_hypotheses(copy, rw, rh)


def _rotated_hypotheses(copy: CopyView, rw: int, rh: int) -> list[Start]:
    """A rotation of 5° or 10° either way cropped to the largest upright box inside, for the
    picture box and, when a strip was laid over the turned picture, the whole copy."""
    ch, cw = copy.grey.shape
    found = []
    for x0, y0, x1, y1 in dict.fromkeys([copy.content_box, (0, 0, cw, ch)]):
        centre_copy = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
        centre_ref = np.array([rw / 2, rh / 2])
        for degrees in _ROTATIONS:
            rad = np.radians(abs(degrees))
            keep = 1.0 / (np.cos(rad) + np.sin(rad) * max(rw / rh, rh / rw))
            scale = keep * rw / max(1, x1 - x0)
            c, s_ = np.cos(np.radians(degrees)), np.sin(np.radians(degrees))
            linear = scale * np.array([[c, -s_], [s_, c]])
            found.append(np.hstack([linear, (centre_ref - linear @ centre_copy)[:, None]]))
    return found


def _invert(warp: np.ndarray) -> np.ndarray:
    return np.linalg.inv(np.vstack([warp, [0, 0, 1]]))[:2].astype(np.float32)


def picture_box(grey: np.ndarray) -> tuple[int, int, int, int]:
    """x0, y0, x1, y1 of the picture inside a frame, letterbox or screenshot page.

    The page colour is the commonest colour along the copy's edge; the picture is the
    largest region where nearly every pixel differs from it (text around a picture is
    sparse, a picture is dense). The whole copy when no such region stands out.
    """
    h, w = grey.shape
    edge = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    page = int(np.bincount(edge, minlength=256).argmax())
    differs = (np.abs(grey.astype(np.int16) - page) > 6).astype(np.float32)
    k = max(3, round(min(h, w) / 40))
    dense = (cv2.blur(differs, (k, k)) > 0.85).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dense, connectivity=4)
    if count <= 1:
        return 0, 0, w, h
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, bw, bh, _area = stats[best]
    x0, y0 = max(0, x - k // 2), max(0, y - k // 2)
    x1, y1 = min(w, x + bw + k // 2), min(h, y + bh + k // 2)
    if (x1 - x0) * (y1 - y0) < 0.08 * w * h or (x1 - x0) * (y1 - y0) > 0.97 * w * h:
        return 0, 0, w, h
    return int(x0), int(y0), int(x1), int(y1)
