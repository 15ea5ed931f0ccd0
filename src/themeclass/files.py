"""Files in and out: JSON Lines read with the line named on error, outputs written
all at once or not at all.

Outputs and models are written to a temporary file beside the target and moved
into place only when complete, so an error or an interrupted run never leaves a
half-written file where a good one was expected.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import IO, Any, Iterator

from .errors import ThemeclassError


def read_jsonl(path: str | os.PathLike[str], what: str = "JSON Lines") -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` of each non-blank line of a JSON Lines file.

    Only ``"\\n"`` ends a line (a text may hold U+2028 or U+0085). A missing,
    unreadable or malformed file raises :class:`ThemeclassError` naming the file
    and, for a bad line, its number; ``what`` names the content in the message.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.jsonl"
    >>> _ = path.write_text('{"a": 1}\\n\\n{"a": 2}\\n')
    >>> list(read_jsonl(path))
    [(1, {'a': 1}), (3, {'a': 2})]
    """
    path = Path(path)
    if path.is_dir():
        raise ThemeclassError(f"is a directory (expected a {what} file)", path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ThemeclassError("no such file", path) from None
    except (OSError, UnicodeDecodeError) as err:
        raise ThemeclassError(f"cannot read {what} ({err})", path) from None
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield n, json.loads(line)
        except ValueError as err:
            raise ThemeclassError(f"line {n}: not valid JSON ({getattr(err, 'msg', err)})", path) from None


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8",
                 newline: str | None = None) -> Iterator[IO]:
    """Open a temporary file for writing; on success it replaces ``path`` in one step.

    The temporary file's name holds this process's id, so one left behind by a
    killed run is removed by the next write to the same path.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_write(target) as fh:
    ...     _ = fh.write("done")
    >>> target.read_text()
    'done'
    """
    target = Path(path)
    if target.is_dir():
        raise ThemeclassError("is a folder; give a file name", target)
    if target.exists() and not target.is_file():  # /dev/null, /dev/stdout, a named pipe: write straight through
        text_args = {} if "b" in mode else {"encoding": encoding, "newline": newline}
        with open(target, mode, **text_args) as fh:
            yield fh
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_orphans(target)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp")
    except OSError as err:
        raise ThemeclassError(f"cannot write here ({err.strerror or err})", target) from None
    try:
        text_args = {} if "b" in mode else {"encoding": encoding, "newline": newline}
        with os.fdopen(fd, mode, **text_args) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _remove_orphans(target: Path) -> None:
    """Delete temporary files of ``target`` whose writing process no longer runs."""
    for tmp in target.parent.glob(f".{target.name}.*.tmp"):
        pid = tmp.name[len(target.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                tmp.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def atomic_folder(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Build a folder of outputs in a temporary folder, then put it in place whole.

    Yields the temporary folder to write into. On success it replaces ``path``
    (an earlier run's folder is moved aside, then removed), so readers see the
    old set of files or the new one, never a mix; on failure, or if the process
    is killed, ``path`` is untouched. A second writer to the same folder is
    refused while the first holds its lock."""
    import fcntl
    import shutil

    target = Path(path)
    if target.exists() and not target.is_dir():
        raise ThemeclassError("exists and is not a folder; give a folder for the outputs (or a .json file)", target)
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        lock = open(parent / f".{target.name}.lock", "w")
    except OSError as err:
        raise ThemeclassError(f"cannot write here ({err.strerror or err})", target) from None
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ThemeclassError("another themeclass run is writing to this folder; wait for it or choose another", target) from None
        for stale in parent.glob(f".{target.name}.*.tmp"):  # left by a killed run (we hold the lock: no one else's)
            shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.", suffix=".tmp"))
        try:
            yield tmp
            os.chmod(tmp, 0o755)
            old = None
            if target.exists():
                old = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.", suffix=".tmp"))
                os.replace(target, old / target.name)
            os.replace(tmp, target)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
