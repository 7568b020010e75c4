"""Writing output files atomically: a temporary file in the same folder, then a rename, so a
failure never leaves a partial file and an existing file stays as it was until the new one is whole."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .i18n import tr
from .loader import InputError


def write_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write `text` (UTF-8) to `path`; problems become an `InputError` naming the file."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise InputError(tr("file.out_is_folder", path=path))
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(tr("file.no_folder", path=path, folder=folder))
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as e:
        raise InputError(tr("file.cannot_write_in", path=path, folder=folder, why=e.strerror)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; an output file gets the usual permissions
        os.replace(tmp, target)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(e, OSError):
            raise InputError(tr("file.cannot_write", path=path, why=e.strerror or e)) from None
        raise
    return target
