"""Error control for the invisible watermark: CRC-24 and a K=7, rate-1/3 convolutional code.

The watermark channel is a noisy soft-valued one (each coded bit is a sum of many
correlations), so a convolutional code with soft-decision Viterbi decoding gains ~5 dB over
hard repetition. The CRC is what makes a decoded id trustworthy: under "no watermark" the
decoder output is effectively random, and a random 72-bit word passes CRC-24 with
probability 2**-24 (see ``invisible`` for the false-positive bound built on that).
"""

from __future__ import annotations

import numpy as np

CRC_BITS = 24
_CRC_POLY = 0x864CFB  # CRC-24/OpenPGP (RFC 4880)
_CRC_INIT = 0xB704CE

CONSTRAINT = 7
_MEMORY = CONSTRAINT - 1
_STATES = 1 << _MEMORY
_GENERATORS = (0o133, 0o171, 0o165)  # the LTE / 3GPP rate-1/3 code, free distance 15
RATE = len(_GENERATORS)


def crc24(value: int, nbits: int) -> int:
    """CRC-24/OpenPGP of the ``nbits``-bit big-endian integer ``value``."""
    crc = _CRC_INIT
    for i in range(nbits - 1, -1, -1):
        bit = (value >> i) & 1
        top = (crc >> 23) & 1
        crc = (crc << 1) & 0xFFFFFF
        if bit ^ top:
            crc ^= _CRC_POLY
    return crc


def int_to_bits(value: int, nbits: int) -> np.ndarray:
    """Big-endian bit array (uint8) of an integer."""
    return np.array([(value >> (nbits - 1 - i)) & 1 for i in range(nbits)], dtype=np.uint8)


def bits_to_int(bits: np.ndarray) -> int:
    value = 0
    for b in bits:
        value = (value << 1) | int(b)
    return value


def _parity(x: np.ndarray) -> np.ndarray:
    x = x.copy()
    for shift in (4, 2, 1):
        x ^= x >> shift
    return x & 1


# Trellis tables. The register is (state << 1 | input) over 7 bits; the next state keeps the
# low 6 bits, so each next state ns has input bit ns & 1 and predecessors (ns >> 1) | (m << 5).
_NS = np.arange(_STATES)
_PRED = np.stack([(_NS >> 1), (_NS >> 1) | (1 << (_MEMORY - 1))])  # (2, 64)
_REG = (_PRED << 1) | (_NS & 1)  # (2, 64) 7-bit registers entering each next state
_OUT = np.stack([_parity(_REG & g) for g in _GENERATORS], axis=-1)  # (2, 64, RATE)
_SIGN = (1 - 2 * _OUT).astype(np.float32)  # +1 for a coded 0, -1 for a coded 1


def conv_encode(bits: np.ndarray) -> np.ndarray:
    """Encode with 6 zero tail bits so the trellis ends in state 0: len = RATE*(n+6)."""
    padded = np.concatenate([bits.astype(np.int64), np.zeros(_MEMORY, dtype=np.int64)])
    state = 0
    out = np.empty((padded.size, RATE), dtype=np.uint8)
    for t, b in enumerate(padded):
        reg = (state << 1) | int(b)
        out[t] = [bin(reg & g).count("1") & 1 for g in _GENERATORS]
        state = reg & (_STATES - 1)
    return out.ravel()


def viterbi_decode(soft: np.ndarray, nbits: int) -> np.ndarray:
    """Soft-decision Viterbi: ``soft`` > 0 means coded 0 (any scale); returns ``nbits`` bits."""
    steps = nbits + _MEMORY
    obs = soft.astype(np.float32).reshape(steps, RATE)
    metric = np.full(_STATES, -np.inf, dtype=np.float32)
    metric[0] = 0.0
    choice = np.empty((steps, _STATES), dtype=np.uint8)
    for t in range(steps):
        branch = _SIGN @ obs[t]  # (2, 64)
        cand = metric[_PRED] + branch
        pick = cand[1] > cand[0]
        choice[t] = pick
        metric = np.where(pick, cand[1], cand[0])
    state = 0
    bits = np.empty(steps, dtype=np.uint8)
    for t in range(steps - 1, -1, -1):
        bits[t] = state & 1
        state = int(_PRED[choice[t, state], state])
    return bits[:nbits]
