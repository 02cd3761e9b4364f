"""The walk of `corpus`: arguments expanded into inputs in a stable order, each real path once, links
followed only inside the corpus roots; folders are listed, nothing is read here.
"""

from __future__ import annotations

import bisect
import errno
import glob
import os
from array import array
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from .corpus_records import Quarantined, _Input, _Refused, display_path

SIDECAR_NAME = "metadata.csv"  # described by `corpus`; the walk skips these files


def _has_magic(item: str) -> bool:
    return any(ch in item for ch in "*?[")


def _resolve(path: str) -> str:
    """The real path; raises _Refused for a missing target or a link loop."""
    try:
        return os.path.realpath(path, strict=True)
    except FileNotFoundError:
        raise _Refused("not_found", "the path does not exist (or is a broken link)") from None
    except RuntimeError as exc:
        raise _Refused("symlink_loop", f"the symlink leads into a loop: {exc}") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _Refused("symlink_loop", "the symlink leads into a loop of links") from None
        raise _Refused("unreadable", f"cannot resolve the path: {exc.strerror or exc}") from None


def _within(real: str, folder: str) -> bool:
    return real == folder or real.startswith(os.path.join(folder, ""))


class _Listed(NamedTuple):
    """A folder the walk has listed: its path as reached and the names of the files it visited in it."""

    path: str
    file_hashes: array[int]  # sorted hash() of the names of its plain (not symlinked) files, 8 bytes each


class _Walker:
    """Expands the arguments; remembers every real path reached (a second visit is a duplicate_path).

    The memory stays small on large corpora: folders, arguments and symlink targets are remembered by
    real path (a few per folder), but the plain files found in a listed folder only as an 8-byte hash of
    their name in that folder's `_Listed` entry (a dict of full paths cost ~380 bytes per file).
    """

    def __init__(self, inputs: Iterable[str | Path]) -> None:
        self.tops: list[tuple[str, list[str]]] = []
        for item in inputs:
            item_str = os.fspath(item)
            if _has_magic(item_str) and not os.path.lexists(item_str):
                self.tops.append((item_str, sorted(glob.glob(item_str, recursive=True))))
            else:
                self.tops.append((item_str, [item_str]))
        self.root_dirs: list[str] = []
        self.root_files: set[str] = set()
        for _, paths in self.tops:
            for p in paths:
                try:
                    real = _resolve(p)
                except _Refused:
                    continue
                (self.root_dirs.append(real) if os.path.isdir(real) else self.root_files.add(real))
        self.reached: dict[str, str] = {}  # real path -> shown path, for all but the plain files of folders
        self.listed: dict[str, _Listed] = {}  # real path of each folder listed

    def inside(self, real: str) -> bool:
        """Is a resolved path one of the files given or inside one of the folders given?"""
        return real in self.root_files or any(_within(real, r) for r in self.root_dirs)

    def first_visit(self, real: str, plain: bool) -> str | None:
        """The shown path under which a real path was reached before, or None.

        A plain file of a listed folder (`plain`) cannot have been reached as a plain file before (its
        folder is listed once) and is only looked up among the other paths. Anything else is looked up in
        its folder's listing too: that is only done when the stack is empty (symlinks are followed after
        the tree, arguments one after the other), when every file of a listed folder has been visited.
        """
        first = self.reached.get(real)
        if first is not None or plain:
            return first
        folder, name = os.path.split(real)
        listed = self.listed.get(folder)
        if listed is not None:
            hashes, key = listed.file_hashes, hash(name)
            i = bisect.bisect_left(hashes, key)
            if i < len(hashes) and hashes[i] == key:
                return display_path(os.path.join(listed.path, name))
        return None

    def run(self) -> Iterator[_Input | Quarantined]:
        for item_str, paths in self.tops:
            if not paths:
                yield Quarantined(item_str, "not_found", f"no file matches the pattern {item_str!r}")
            for path in paths:
                try:
                    real = _resolve(path)
                except _Refused as exc:
                    yield Quarantined(display_path(path), exc.reason, exc.detail)
                    continue
                yield from self._walk(path, real)

    def _walk(self, top: str, top_real: str) -> Iterator[_Input | Quarantined]:
        """Depth-first, sorted, without recursion (no depth limit); symlinks inside the tree are followed
        after the tree itself, so the real file is the one loaded and its aliases are the duplicates."""
        # (path as reached, real path, is a folder, real path of the folder it was found in, plain file)
        stack: list[tuple[str, str, bool, str | None, bool]] = [
            (top, top_real, os.path.isdir(top_real), None, False)
        ]
        links: deque[tuple[str, str]] = deque()
        while stack or links:
            if not stack:
                child, parent = links.popleft()
                try:
                    child_real = _resolve(child)
                    if not self.inside(child_real):
                        raise _Refused(
                            "outside_corpus",
                            "the symlink leads outside the corpus folders given; not followed",
                        )
                    stack.append((child, child_real, os.path.isdir(child_real), parent, False))
                except _Refused as exc:
                    yield Quarantined(display_path(child), exc.reason, exc.detail)
                continue
            path, real, is_dir, parent, plain = stack.pop()
            shown = display_path(path)
            first = self.first_visit(real, plain)
            if first is not None:
                if is_dir and parent is not None and _within(parent, real):
                    yield Quarantined(shown, "symlink_loop", f"links back to the enclosing folder {first}")
                else:
                    what = "folder" if is_dir else "file"
                    yield Quarantined(shown, "duplicate_path", f"the same {what} as {first}, read once")
                continue
            if not is_dir:
                if not plain:
                    self.reached[real] = shown
                yield _Input(path, real, shown)
                continue
            self.reached[real] = shown
            try:
                with os.scandir(real) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                yield Quarantined(shown, "unreadable", f"cannot list the folder: {exc.strerror or exc}")
                continue
            children, file_hashes = [], []
            for entry in entries:
                name = entry.name
                if name.startswith(".") or name == SIDECAR_NAME:
                    continue
                child = os.path.join(path, name)
                try:
                    if entry.is_symlink():
                        links.append((child, real))
                        continue
                    child_dir = entry.is_dir(follow_symlinks=False)
                except OSError as exc:
                    yield Quarantined(
                        display_path(child), "unreadable", f"cannot inspect: {exc.strerror or exc}"
                    )
                    continue
                children.append((child, os.path.join(real, name), child_dir, real, not child_dir))
                if not child_dir:
                    file_hashes.append(hash(name))
            self.listed[real] = _Listed(path, array("q", sorted(file_hashes)))
            stack.extend(reversed(children))


def iter_input_files(inputs: Iterable[str | Path]) -> Iterator[Path | Quarantined]:
    """Expand files, folders (recursively) and glob patterns into files, sorted, each once.

    Paths that cannot be inputs (missing, link loops, links leading outside the corpus, second visits) come
    back as `Quarantined`; hidden names and sidecar metadata files are skipped (they are not articles).
    """
    for item in _Walker(inputs).run():
        yield item if isinstance(item, Quarantined) else Path(item.path)
