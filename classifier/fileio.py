"""Writing output files atomically: a temporary file in the same folder, then a rename, so a
failure never leaves a partial file and an existing file stays as it was until the new one is whole.

An output path is checked first (`output_target`): it must be a new path or a regular file — never
a folder, a device, a FIFO or a socket (a rename would replace the node with a file) — and never
one of the command's inputs, after resolving links (`thb report DB --html DB` would replace the
database with the page). A symbolic link is written through: its target is replaced, the link stays.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import InputError
from .i18n import tr


def output_target(path: str | os.PathLike[str], option: str = "--out", inputs: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """The file an option writes, links resolved; InputError when it is a folder, not a regular file,
    or the same file as one of `inputs` (`-`, standard input, is never a file)."""
    given = Path(path).expanduser()
    target = Path(os.path.realpath(given))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as e:
        raise InputError(tr("file.cannot_write", path=path, why=e.strerror or e)) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise InputError(tr("file.out_is_folder", path=path, option=option))
    if mode is not None and not stat.S_ISREG(mode):
        raise InputError(tr("file.out_not_regular", path=path, option=option))
    for source in inputs:
        if str(source) == "-":
            continue
        src = Path(source).expanduser()
        same = os.path.realpath(src) == str(target)
        if not same and mode is not None:
            try:
                same = os.path.samefile(src, target)  # a hard link, or another path to the same file
            except OSError:
                same = False
        if same:
            raise InputError(tr("file.out_is_input", path=path, option=option, input=source))
    return target


def write_atomic(
    path: str | os.PathLike[str], text: str, option: str = "--out", inputs: Iterable[str | os.PathLike[str]] = ()
) -> Path:
    """Write `text` (UTF-8) to `path`; problems become an `InputError` naming the file."""
    target = output_target(path, option, inputs)
    folder = target.parent
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
    return Path(path).expanduser()
