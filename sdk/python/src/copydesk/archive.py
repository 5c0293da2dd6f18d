"""Resumable import of an archive of text files, as ``copydesk analyze
--jsonl --resume`` does it, with the same journal.

    with Client(address) as client:
        for item in import_archive(client, ["archive/"], journal="done.jsonl"):
            if item.result.ok:
                store(item.id, item.result.annotation)

Files are read as the stream asks for them. Legacy encodings are read:
UTF-8 first (a BOM is honoured), otherwise the encoding is detected with
charset-normalizer (Windows-1252, Latin-1, ...), or the caller names it
(``input_encoding="windows-1252"``). Offsets index the decoded text, not
the file's bytes.

The journal is JSON Lines, one object per document, compatible with the
CLI's ``--jsonl`` output and ``--resume``: ``{"id": PATH,
"input_encoding": "windows-1252"}`` when a document is done, with an
``"error": {"code", "message"}`` key when it failed (failed ids are
retried on the next run). A document is recorded once the loop body that
received it has finished, so a crash re-does at most the documents in
flight, never loses one.
"""

from __future__ import annotations

import codecs
import collections
import glob
import json
import os
import re
from dataclasses import dataclass
from typing import IO, Deque, Dict, Iterator, List, Optional, Sequence, Set, Tuple, Union

import charset_normalizer
import grpc

from copydesk.client import Client
from copydesk.errors import CopydeskError
from copydesk.types import BatchResult

__all__ = ["ArchiveItem", "ReadError", "decode", "done_ids", "expand", "import_archive"]


class ReadError(CopydeskError):
    """A file that could not be read or decoded (code UNKNOWN, as the CLI
    reports it); it is journaled as failed and retried on the next run."""

    def __init__(self, message: str) -> None:
        super().__init__(grpc.StatusCode.UNKNOWN, message)


@dataclass(frozen=True)
class ArchiveItem:
    """One file: its id (the path as found), the encoding it was read in
    (None when it could not be read) and its result."""

    id: str
    input_encoding: Optional[str]
    result: BatchResult


def expand(arguments: Sequence[str]) -> List[str]:
    """Files, directories (recursively, sorted, hidden entries skipped) and
    glob patterns as the list of file paths the CLI would read, so ids
    match between the two. A name that matches nothing raises
    ``FileNotFoundError``."""
    paths: List[str] = []
    for argument in arguments:
        if os.path.isdir(argument):
            found = list(_walk(argument))
            if not found:
                raise FileNotFoundError(f"{argument}: no files in this directory")
            paths.extend(found)
        elif os.path.exists(argument):
            paths.append(argument)
        elif any(c in argument for c in "*?["):
            matches = sorted(p for p in glob.glob(argument, recursive=True) if os.path.isfile(p))
            if not matches:
                raise FileNotFoundError(f"{argument}: no file matches this pattern")
            paths.extend(matches)
        else:
            raise FileNotFoundError(f"{argument}: no such file or directory")
    return paths


def _walk(directory: str) -> Iterator[str]:
    for name in sorted(os.listdir(directory)):
        if name.startswith("."):
            continue
        path = os.path.join(directory, name)
        if os.path.isdir(path):
            yield from _walk(path)
        elif os.path.isfile(path):
            yield path


# Fewer non-ASCII bytes than this and detection favours Windows-1252.
FEW_NON_ASCII_BYTES = 8

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode(data: bytes, encoding: Optional[str] = None) -> Tuple[str, str]:
    """The text of ``data`` and the name of its encoding (WHATWG names, as
    the CLI writes them: "UTF-8", "windows-1252", "ISO-8859-2").
    ``encoding``: the caller's choice (any Python codec name); otherwise a
    BOM, then UTF-8, then detection. ``ValueError`` when it cannot be
    decoded."""
    if encoding:
        try:
            codec = codecs.lookup(encoding)
        except LookupError:
            raise ValueError(f"unknown encoding {encoding!r}") from None
        try:
            return data.decode(codec.name), _label(codec.name)
        except UnicodeDecodeError as error:
            raise ValueError(f"not valid {encoding}: {error}") from None
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(name), _label(name)
            except UnicodeDecodeError as error:
                raise ValueError(f"not valid {name} despite its byte order mark: {error}") from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    # As the CLI decides: a handful of non-ASCII bytes are symbols or a
    # name's accents, too little for a detector (a file whose one is a
    # pound sign comes out "Windows-1250": Ł), so Windows-1252, as browsers
    # fall back for Western text; past that the detector decides.
    if sum(1 for byte in data if byte >= 0x80) < FEW_NON_ASCII_BYTES:
        try:
            return data.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise ValueError("not UTF-8, and no other encoding fits it (name one: input_encoding)")
    name = codecs.lookup(best.encoding).name
    if name != "cp1252":
        # Single-byte encodings often read a text the same way (a
        # Windows-1252 file "detected" as 1250): then name Windows-1252.
        # Latin-1 is read as Windows-1252 as browsers and encoding_rs do:
        # its 0x80-0x9F are quotes and dashes, not control codes.
        try:
            if name == "iso8859-1" or data.decode("cp1252") == str(best):
                name = "cp1252"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode(name), _label(name)
    except UnicodeDecodeError as error:
        raise ValueError(f"detected as {name} but not valid in it: {error}") from None


def _label(codec_name: str) -> str:
    """Python's codec name as the WHATWG Encoding Standard names it."""
    name = codec_name.lower().replace("_", "-")
    special = {"utf-8": "UTF-8", "utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE", "latin-1": "windows-1252",
               "iso8859-1": "windows-1252", "koi8-r": "KOI8-R", "koi8-u": "KOI8-U", "mac-roman": "macintosh",
               "shift-jis": "Shift_JIS", "euc-jp": "EUC-JP", "euc-kr": "EUC-KR", "gb2312": "GBK", "gbk": "GBK",
               "gb18030": "gb18030", "big5": "Big5"}
    if name in special:
        return special[name]
    match = re.fullmatch(r"cp(125\d|874)", name)
    if match:
        return f"windows-{match.group(1)}"
    match = re.fullmatch(r"iso8859-(\d+)", name)
    if match:
        return f"ISO-8859-{match.group(1)}"
    return codec_name


def done_ids(journal: Union[str, "os.PathLike[str]"]) -> Set[str]:
    """The ids a journal (or a CLI ``--jsonl`` output) records as done:
    lines with an ``"error"`` are not done; a line cut short is skipped."""
    done: Set[str] = set()
    try:
        with open(journal, encoding="utf-8") as lines:
            for line in lines:
                try:
                    value = json.loads(line)
                except ValueError:
                    continue
                if isinstance(value, dict) and isinstance(value.get("id"), str) and "error" not in value:
                    done.add(value["id"])
    except FileNotFoundError:
        pass
    return done


def import_archive(
    client: Client,
    inputs: Sequence[str],
    journal: Union[str, "os.PathLike[str]"],
    *,
    input_encoding: Optional[str] = None,
    window: int = 32,
    features: Optional[Sequence[str]] = None,
    encoding: str = "utf32",
    language: str = "",
) -> Iterator[ArchiveItem]:
    """Annotates every file of ``inputs`` not yet done in ``journal`` over
    one :meth:`Client.annotate_stream`, yielding an :class:`ArchiveItem`
    per file in order and journaling it once the caller's loop has taken
    it. A broken stream raises; run again to resume."""
    done = done_ids(journal)
    paths = [p for p in expand(inputs) if p not in done]
    # What the reader decided about each file, in order: read (with its
    # encoding) or failed. The stream's results are matched against it.
    events: Deque[Tuple[str, Optional[str], Optional[ReadError]]] = collections.deque()

    def documents() -> Iterator[Tuple[str, str]]:
        for path in paths:
            try:
                with open(path, "rb") as file:
                    text, name = decode(file.read(), input_encoding)
            except (OSError, ValueError) as error:
                events.append((path, None, ReadError(f"cannot read {path}: {error}")))
                continue
            events.append((path, name, None))
            yield path, text

    with open(journal, "ab+") as raw:
        # A line cut short by a crash: start on a line of our own.
        if raw.seek(0, os.SEEK_END) > 0:
            raw.seek(-1, os.SEEK_END)
            if raw.read(1) != b"\n":
                raw.write(b"\n")
    with open(journal, "a", encoding="utf-8") as out:
        position = 0
        for result in client.annotate_stream(
            documents(), window=window, features=features, encoding=encoding, language=language
        ):
            while events and events[0][2] is not None:
                path, _, failure = events.popleft()
                yield from _recorded(out, ArchiveItem(path, None, BatchResult(position, path, error=failure)))
                position += 1
            path, name, _ = events.popleft()
            item = BatchResult(position, result.id, result.annotation, result.error)
            yield from _recorded(out, ArchiveItem(path, name, item))
            position += 1
        while events:
            path, _, failure = events.popleft()
            yield from _recorded(out, ArchiveItem(path, None, BatchResult(position, path, error=failure)))
            position += 1


def _recorded(out: IO[str], item: ArchiveItem) -> Iterator[ArchiveItem]:
    yield item
    # Reached when the caller asks for the next item: it is done with this one.
    line: Dict[str, object] = {"id": item.id, "input_encoding": item.input_encoding}
    error = item.result.error
    if error is not None:
        line["error"] = {"code": error.code.value[0], "message": error.message}
    out.write(json.dumps(line, ensure_ascii=False) + "\n")
    out.flush()


