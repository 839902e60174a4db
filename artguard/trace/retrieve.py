"""Candidates by local features, for copies the global hashes cannot find.

A browser screenshot, a 5-10° rotation or a crop to half the picture moves every global
hash of the copy beyond any safe threshold (DESIGN.md). Local features survive all of
them, so the strongest ``PER_IMAGE`` SIFT descriptors of every catalogued reference go
into one FLANN kd-tree, built once per check session; each copy descriptor votes for the
reference its nearest neighbour belongs to when it passes the ratio test against the
second nearest. Votes only nominate candidates; ``verify`` decides.

Memory is PER_IMAGE x 128 bytes (uint8) per publication: 4 MB per 1 000. Sessions over
``MAX_ENTRIES`` publications index the newest ``MAX_ENTRIES``.
"""

from __future__ import annotations

from collections.abc import Mapping

import cv2
import numpy as np

from artguard.trace.reference import Features, descriptors_of

PER_IMAGE = 32
MAX_ENTRIES = 20_000
MIN_VOTES = 4
_RATIO = 0.8


class FeatureIndex:
    """Reference descriptors of many publications, searchable by a copy's descriptors."""

    def __init__(self, references: Mapping[int, bytes]) -> None:
        keys = sorted(references)[-MAX_ENTRIES:]
        rows, owners = [], []
        for key in keys:
            desc = descriptors_of(references[key], PER_IMAGE)
            rows.append(desc)
            owners.append(np.full(len(desc), key, dtype=np.int64))
        self.owners = np.concatenate(owners) if owners else np.zeros(0, np.int64)
        self._matcher: cv2.FlannBasedMatcher | None = None
        if len(self.owners) >= 2:
            data = np.concatenate(rows).astype(np.float32)
            self._matcher = cv2.FlannBasedMatcher({"algorithm": 1, "trees": 4}, {"checks": 64})
            self._matcher.add([data])
            # The randomised kd-trees draw from OpenCV's per-thread RNG, whose state depends on
            # what that thread ran before: seeded, the same catalog gives the same candidates.
            cv2.setRNGSeed(0x7ACE)
            self._matcher.train()

    def __len__(self) -> int:
        return len(np.unique(self.owners))

    def candidates(self, *copies: Features, limit: int = 3) -> list[int]:
        """Publication keys with the most votes (at least ``MIN_VOTES``), best first."""
        if self._matcher is None:
            return []
        votes: dict[int, int] = {}
        for feats in copies:
            if len(feats) < 2:
                continue
            for pair in self._matcher.knnMatch(feats.descriptors[:800], k=2):
                if len(pair) < 2:
                    continue
                owner = int(self.owners[pair[0].trainIdx])
                # Two near neighbours in the same picture (a repeated detail) still vote.
                if pair[0].distance < _RATIO * pair[1].distance or owner == int(self.owners[pair[1].trainIdx]):
                    votes[owner] = votes.get(owner, 0) + 1
        ranked = sorted((n, k) for k, n in votes.items() if n >= MIN_VOTES)
        return [k for _, k in reversed(ranked)][:limit]
