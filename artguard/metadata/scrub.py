"""Privacy scrub: what a camera recorded that an artist rarely means to publish."""

from __future__ import annotations

import re
from dataclasses import dataclass

_GPS = re.compile(r"^(Exif\.GPSInfo\.|Exif\.Image\.GPSTag$|Xmp\.exif\.GPS)")
# Serial numbers and owner names, wherever a maker note or XMP schema puts them.
_PRIVATE = re.compile(
    r"(SerialNumber|InternalSerial|SerialNo|OwnerName|CameraOwner|"
    r"Xmp\.aux\.Owner|Exif\.Image\.CameraSerialNumber|Exif\.Photo\.CameraOwnerName|Xmp\.exif\.CameraOwner)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ScrubOptions:
    keep_gps: bool = False
    keep_private: bool = False

    def removes(self, key: str) -> bool:
        if not self.keep_gps and _GPS.match(key):
            return True
        return not self.keep_private and bool(_PRIVATE.search(key.rsplit(".", 1)[-1]) or _PRIVATE.search(key))
