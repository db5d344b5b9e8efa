"""The store directory: numbered generations of an Oxigraph store, published atomically.

pyoxigraph cannot open a store read-only in one process while another process writes it
("undefined behaviour" in its documentation), and a second read-write open fails on RocksDB's
lock. So a published store is never written again. ``--store DIR`` holds::

    DIR/build.lock                 flock'ed by the one build running; holds its PID
    DIR/published                  the name of the published generation ("000007"), replaced atomically
    DIR/generations/000007/        the published generation: an Oxigraph (RocksDB) store, read-only from now on
    DIR/generations/000006/        the previous one (a reader may still hold it)
    DIR/generations/000008/        the build in progress; it counts only once ``published`` names it
    DIR/generations/000007.lease   readers hold a shared flock on it while they read 000007

A build takes ``build.lock`` (a second build is refused with the holder's PID, or waits), copies
the published generation (``Store.backup``: hard links to RocksDB's immutable files, milliseconds),
writes the copy, flushes and closes it, then publishes it by replacing ``published`` with
``os.replace``. A reader reads ``published``, takes a shared lease on that generation and opens it
read-only: it sees a complete generation, old or new, never a half-written one. A build killed at
any moment leaves ``published`` naming the last complete generation; the next build removes what
it left. Older generations are removed after publication, except the previous one and any a reader
still holds.

A plain Oxigraph directory (the layout of photonics-kg 0.1) is migrated by the first build that
opens it; readers open it as it is until then.

>>> import tempfile, pyoxigraph as ox
>>> root = StoreDir(tempfile.mkdtemp())
>>> gen = root.begin_write()            # takes build.lock; nothing published yet
>>> store = ox.Store(str(gen.path))
>>> store.add(ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), ox.Literal("x")))
>>> store.flush(); del store
>>> gen.publish()
>>> root.published_name()
'000001'
>>> lease = root.open_read()
>>> len(ox.Store.read_only(str(lease.path)))
1
>>> lease.release()
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Callable

from photonics_kg.errors import StoreError

LOCK_NAME = "build.lock"
POINTER_NAME = "published"
GENERATIONS = "generations"
#: environment variable of the fault-injection points used by the crash-safety tests
TEST_HOOK_ENV = "PHOTONICS_KG_TEST_HOOK"

_GEN = re.compile(r"^(\d{6})$")
_ENTRY = re.compile(r"^(\d{6})(\.lease|\.trash)?$")
# the files RocksDB keeps at the top of a plain (0.1-style) store directory
_ROCKSDB_FILE = re.compile(r"^(CURRENT|IDENTITY|LOCK|LOG(\.old\.\d+)?|MANIFEST-\d+|OPTIONS-\d+(\.dbtmp)?|"
                           r"\d+\.(sst|log|blob|dbtmp))$")


def crash_point(name: str) -> None:
    """Fault injection for the crash-safety tests; does nothing unless the variable is set.

    ``PHOTONICS_KG_TEST_HOOK="before-publish=kill"`` makes the process SIGKILL itself when it
    reaches that point; ``"after-read=sleep:2"`` pauses there. Several items are separated by
    commas. Points: ``after-backup``, ``after-read`` (each source read), ``after-write`` (each
    graph written), ``before-publish``, ``after-publish``. The process prints ``test-hook: NAME``
    on stderr when it reaches a point named in the variable.
    """
    spec = os.environ.get(TEST_HOOK_ENV)
    if not spec:
        return
    for item in spec.split(","):
        point, _, action = item.strip().partition("=")
        if point != name:
            continue
        print(f"test-hook: {name}", file=sys.stderr, flush=True)
        if action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif action.startswith("sleep:"):
            time.sleep(float(action[len("sleep:"):]))


class BuildLock:
    """The exclusive lock a writer holds on ``DIR/build.lock`` (released when the process dies)."""

    def __init__(self, root: Path):
        self.root = root
        self.path = root / LOCK_NAME
        self._fd: int | None = None

    def holder(self) -> str:
        try:
            return self.path.read_text(encoding="ascii", errors="replace").strip() or "?"
        except OSError:
            return "?"

    def acquire(self, *, wait: bool = False, log: Callable[[str], None] | None = None) -> "BuildLock":
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot lock the store {self.root} for writing: {exc.strerror or exc}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                os.close(fd)
                raise StoreError(f"the store {self.root} is in use by another photonics-kg process "
                                 f"(a build, PID {self.holder()}); wait for it to finish, or pass --wait "
                                 f"to start when it is done") from None
            if log:
                log(f"waiting for the build of PID {self.holder()} to finish...")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            # the PID is left in the file: harmless, overwritten by the next holder
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class ReadLease:
    """A shared flock on one generation: while held, no build removes that generation."""

    def __init__(self, path: Path, name: str | None, fd: int | None):
        self.path = path            #: the Oxigraph directory to open read-only
        self.name = name            #: the generation's name, None for a 0.1-style directory
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)      # closing the descriptor drops the flock
            self._fd = None


class WriteGeneration:
    """The generation a build writes: published by :meth:`publish`, discarded by :meth:`abort`."""

    def __init__(self, storedir: "StoreDir", lock: BuildLock, name: str, previous: str | None):
        self.storedir = storedir
        self.lock = lock
        self.name = name
        self.previous = previous    #: the generation published when the build started
        self.path = storedir.generations / name
        self.done = False

    def publish(self) -> None:
        """Make this generation the one readers open (the Oxigraph store must be closed first)."""
        if self.done:
            return
        crash_point("before-publish")
        _ensure_closed(self.path)
        self.storedir._write_pointer(self.name)
        crash_point("after-publish")
        self.done = True
        try:
            self.storedir.cleanup(keep={self.name, self.previous} - {None})
        finally:
            self.lock.release()

    def abort(self) -> None:
        """Forget this generation; the published one stays as it was."""
        if self.done:
            return
        self.done = True
        try:
            self.storedir._remove_generation(self.name, force=True)
        finally:
            self.lock.release()


class StoreDir:
    """A store directory of numbered generations (see the module documentation)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.generations = self.root / GENERATIONS
        self.pointer = self.root / POINTER_NAME

    # -- what is there ----------------------------------------------------------------------
    def published_name(self) -> str | None:
        """The published generation's name, or None before the first publication."""
        try:
            text = self.pointer.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(f"cannot read {self.pointer}: {exc}") from None
        if not _GEN.match(text):
            raise StoreError(f"{self.pointer} is damaged (holds {text[:40]!r}, not a generation name); "
                             f"rebuild the store in a new directory")
        return text

    def is_legacy(self) -> bool:
        """True for a plain Oxigraph directory (photonics-kg 0.1), not yet migrated."""
        return (not self.pointer.exists() and (self.root / "CURRENT").is_file()
                and any(self.root.glob("MANIFEST-*")))

    def _foreign_entries(self) -> list[str]:
        if not self.root.is_dir():
            return []
        ours = {LOCK_NAME, POINTER_NAME, GENERATIONS}
        return sorted(e.name for e in self.root.iterdir()
                      if e.name not in ours and not e.name.startswith(f".{POINTER_NAME}.")
                      and not _ROCKSDB_FILE.match(e.name))

    def _numbers(self) -> list[int]:
        if not self.generations.is_dir():
            return []
        return [int(m.group(1)) for e in self.generations.iterdir() if (m := _ENTRY.match(e.name))]

    # -- readers ----------------------------------------------------------------------------
    def open_read(self) -> ReadLease:
        """Lease the published generation for reading; raise :class:`StoreError` when there is none."""
        for _attempt in range(50):
            name = self.published_name()
            if name is None:
                if self.is_legacy():
                    return ReadLease(self.root, None, None)
                raise StoreError(f"no store at {self.root}: run 'photonics-kg build' first (or pass --store)")
            path = self.generations / name
            fd = _open_lease(self.generations / f"{name}.lease")
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_SH)
            # checked under the lease: a generation is renamed away (under an exclusive lease)
            # before it is deleted, so a directory still here is whole and stays so
            if path.is_dir():
                return ReadLease(path, name, fd)
            if fd is not None:
                os.close(fd)
            time.sleep(0.01)
        raise StoreError(f"the published generation {self.generations / name} is missing: the store "
                         f"{self.root} is damaged or being removed; rebuild it")

    # -- writers ----------------------------------------------------------------------------
    def begin_write(self, *, wait: bool = False, log: Callable[[str], None] | None = None) -> WriteGeneration:
        """Take the build lock and prepare the next generation, a copy of the published one."""
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"{self.root} is a file, not a store directory")
        if self.root.parent.name == GENERATIONS and (self.root.parent.parent / POINTER_NAME).exists():
            raise StoreError(f"{self.root} is one generation of the store {self.root.parent.parent}; "
                             f"pass --store {self.root.parent.parent}")
        foreign = self._foreign_entries()
        if foreign and not self.is_legacy():
            shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
            raise StoreError(f"{self.root} is not a photonics-kg store: it holds other files ({shown}); "
                             f"pass a new or empty directory")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self.generations.mkdir(exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the store {self.root}: {exc.strerror or exc}") from None
        lock = BuildLock(self.root).acquire(wait=wait, log=log)
        try:
            if self.is_legacy():
                self._migrate(log)
            previous = self.published_name()
            self.cleanup(keep={previous, *self._previous_of(previous)} - {None})
            name = f"{max(self._numbers() + [0]) + 1:06d}"
            target = self.generations / name
            _open_lease(self.generations / f"{name}.lease", close=True)
            if previous is not None:
                _backup(self.generations / previous, target)
            crash_point("after-backup")
            return WriteGeneration(self, lock, name, previous)
        except BaseException:
            lock.release()
            raise

    def _previous_of(self, name: str | None) -> list[str]:
        """The newest generation older than ``name`` (kept: a reader may still use it)."""
        if name is None or not self.generations.is_dir():
            return []
        older = sorted(e.name for e in self.generations.iterdir() if _GEN.match(e.name) and e.name < name)
        return older[-1:]

    def _migrate(self, log) -> None:
        """Turn a plain Oxigraph directory into generation 000001 (under the build lock)."""
        import pyoxigraph as ox

        if log:
            log(f"store {self.root}: migrating to the generation layout (one-time)")
        target = self.generations / "000001"
        if target.exists():            # left by a migration that was killed
            shutil.rmtree(target)
        try:
            legacy = ox.Store(str(self.root))   # read-write: refused if an older version still writes it
            legacy.flush()
            legacy.backup(str(target))
            del legacy
        except OSError as exc:
            raise StoreError(f"cannot migrate the store {self.root}: {exc}") from None
        _open_lease(self.generations / "000001.lease", close=True)
        self._write_pointer("000001")
        self._remove_legacy_files()

    def _remove_legacy_files(self) -> None:
        for entry in self.root.iterdir():
            if entry.is_file() and _ROCKSDB_FILE.match(entry.name):
                entry.unlink(missing_ok=True)

    def _write_pointer(self, name: str) -> None:
        tmp = self.root / f".{POINTER_NAME}.{os.getpid()}"
        with open(tmp, "w", encoding="ascii") as f:
            f.write(name + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.pointer)
        _fsync_dir(self.root)

    # -- cleaning ---------------------------------------------------------------------------
    def cleanup(self, keep: set[str]) -> list[str]:
        """Remove generations not in ``keep`` that no reader holds, and what killed builds left.

        Returns the names removed. Call it under the build lock only.
        """
        removed = []
        if not self.generations.is_dir():
            return removed
        if self.pointer.exists() and (self.root / "CURRENT").exists():
            self._remove_legacy_files()            # a migration killed after publishing
        for tmp in self.root.glob(f".{POINTER_NAME}.*"):
            tmp.unlink(missing_ok=True)
        for entry in sorted(self.generations.iterdir()):
            m = _ENTRY.match(entry.name)
            if not m or not os.path.lexists(entry):   # gone with its generation, earlier in this loop
                continue
            name, suffix = m.group(1), m.group(2)
            if suffix == ".trash":
                shutil.rmtree(entry, ignore_errors=True)
            elif name not in keep and (suffix is None or not (self.generations / name).exists()):
                if self._remove_generation(name):
                    removed.append(name)
        return removed

    def _remove_generation(self, name: str, *, force: bool = False) -> bool:
        """Remove one generation unless a reader holds its lease (``force``: ours, never published)."""
        path = self.generations / name
        lease_path = self.generations / f"{name}.lease"
        fd = _open_lease(lease_path)
        try:
            if fd is not None and not force:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return False                   # a reader still uses it: next build
            if path.exists():
                trash = self.generations / f"{name}.trash"
                os.replace(path, trash)            # atomic: readers see it whole or not at all
                shutil.rmtree(trash, ignore_errors=True)
            lease_path.unlink(missing_ok=True)
            return True
        finally:
            if fd is not None:
                os.close(fd)


def open_read_only(root: str | os.PathLike):
    """``(pyoxigraph.Store, ReadLease)`` of the published generation, for code that needs the raw store
    (a server's worker processes). Release the lease after dropping the store; compare
    ``lease.name`` with :meth:`StoreDir.published_name` to notice a newer generation.
    """
    import pyoxigraph as ox

    lease = StoreDir(root).open_read()
    try:
        return ox.Store.read_only(str(lease.path)), lease
    except BaseException:
        lease.release()
        raise


def _open_lease(path: Path, *, close: bool = False) -> int | None:
    """Open (creating) a lease file; None when the store is not writable by this user."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
    except FileNotFoundError:
        return None
    except OSError:                                # not ours to write, or a read-only file system
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return None                            # then no build can remove it either
    if close:
        os.close(fd)
        return None
    return fd


def _backup(source: Path, target: Path) -> None:
    """Copy a closed generation: RocksDB checkpoint, hard links on the same file system."""
    import pyoxigraph as ox

    try:
        published = ox.Store.read_only(str(source))
        published.backup(str(target))
        del published
    except OSError as exc:
        raise StoreError(f"cannot copy the published generation {source}: {exc}") from None


def _ensure_closed(path: Path) -> None:
    """Refuse to publish a generation this process still holds open read-write.

    RocksDB refuses a second open of a directory the process holds; a leaked reference (a live
    query iterator) would otherwise let readers open a store that is still being compacted.
    """
    import gc

    import pyoxigraph as ox

    gc.collect()
    try:
        probe = ox.Store(str(path))
        del probe
    except OSError as exc:
        raise StoreError(f"the new generation {path} is still open in this process; "
                         f"it was not published ({exc})") from None


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
