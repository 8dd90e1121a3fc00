"""Where the published reference material lies (`../shared/` beside the checkout): the GS1
vectors, the holiday list, MedCom and OIOUBL examples. FORSYN_SHARED_DIR overrides it for a
checkout elsewhere."""

import os
from pathlib import Path


def shared_dir() -> Path:
    configured = os.environ.get("FORSYN_SHARED_DIR")
    if configured:
        return Path(configured)
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "reference").is_dir():
            return parent / "shared"
    return Path("/work/shared")
