"""The resumable archive import: legacy encodings, the CLI's journal
format both ways, resume after a failure."""

import json
import subprocess

import pytest

from copydesk import Client
from copydesk.archive import ReadError, decode, done_ids, expand, import_archive
from conftest import copydesk_binary

# Windows-1252 bytes that are not UTF-8: curly quotes, an en dash, é, €.
CP1252_TEXT = "“Café Müller”, said Angela Merkel in Berlin – it cost €5 million."
LATIN_TEXT = "Le président François Hollande était à Marseille jeudi."


@pytest.fixture
def archive(tmp_path):
    root = tmp_path / "archive"
    (root / "2004").mkdir(parents=True)
    (root / "2004" / "a.txt").write_text("Apple opened a shop in London.", encoding="utf-8")
    (root / "2004" / "b.txt").write_bytes(CP1252_TEXT.encode("cp1252"))
    (root / "2004" / "c.txt").write_bytes(LATIN_TEXT.encode("latin-1"))
    (root / "2004" / ".hidden").write_text("not a story")
    (root / "d.txt").write_bytes(b"\xef\xbb\xbfBOM first: Paris.")
    return root


def test_decode_reads_utf8_boms_and_legacy_encodings():
    assert decode("Zürich".encode()) == ("Zürich", "UTF-8")
    assert decode(b"\xef\xbb\xbfParis") == ("Paris", "UTF-8")
    assert decode(CP1252_TEXT.encode("cp1252")) == (CP1252_TEXT, "windows-1252")
    # One pound sign (the BBC archive's sports/199.txt): not an Ł.
    assert decode(b"He was fined \xa315,000.") == ("He was fined £15,000.", "windows-1252")
    polish = "Zażółć gęślą jaźń: prezydent Wałęsa przemawiał w Gdańsku o świętach."
    assert decode(polish.encode("cp1250")) == (polish, "windows-1250")
    assert decode("Zoë".encode("latin-1"), "latin-1") == ("Zoë", "windows-1252")
    assert decode(LATIN_TEXT.encode("cp1252"), "windows-1252")[0] == LATIN_TEXT
    with pytest.raises(ValueError):
        decode(CP1252_TEXT.encode("cp1252"), "utf-8")
    with pytest.raises(ValueError):
        decode(b"x", "no-such-encoding")


def test_expand_lists_files_as_the_cli_does(archive):
    root = str(archive)
    assert expand([root]) == [f"{root}/2004/a.txt", f"{root}/2004/b.txt", f"{root}/2004/c.txt", f"{root}/d.txt"]
    assert expand([f"{root}/**/*.txt"])[-1] == f"{root}/d.txt"
    with pytest.raises(FileNotFoundError):
        expand([f"{root}/missing.txt"])


def test_import_reads_legacy_encodings_journals_and_resumes(gateway, archive, tmp_path):
    journal = tmp_path / "done.jsonl"
    with Client(gateway) as client:
        items = list(import_archive(client, [str(archive)], journal, window=2, language="en"))
        assert [i.id for i in items] == expand([str(archive)])
        by_name = {i.id.rsplit("/", 1)[1]: i for i in items}
        assert all(i.result.ok for i in items), [i.result.error for i in items]
        assert by_name["a.txt"].input_encoding == "UTF-8"
        assert by_name["b.txt"].input_encoding == "windows-1252"
        assert by_name["c.txt"].input_encoding == "windows-1252"
        # Offsets index the decoded text.
        annotation = by_name["b.txt"].result.annotation
        merkel = next(e for e in annotation.entities if e.name == "Angela Merkel")
        m = merkel.mentions[0]
        assert CP1252_TEXT[m.begin:m.end] == "Angela Merkel"
        lines = [json.loads(line) for line in journal.read_text().splitlines()]
        assert {line["id"]: line["input_encoding"] for line in lines}[by_name["b.txt"].id] == "windows-1252"

        # Nothing left to do; then a new file and one that cannot be read.
        assert list(import_archive(client, [str(archive)], journal)) == []
        (archive / "e.txt").write_text("Rome is in Italy.")
        (archive / "f.txt").write_bytes(CP1252_TEXT.encode("cp1252"))
        again = list(import_archive(client, [str(archive)], journal, input_encoding="utf-8"))
        assert [(i.id.rsplit("/", 1)[1], i.result.ok) for i in again] == [("e.txt", True), ("f.txt", False)]
        assert isinstance(again[1].result.error, ReadError)
        # The failure is journaled as one and retried next time.
        assert str(archive / "f.txt") not in done_ids(journal)
        last = list(import_archive(client, [str(archive)], journal))
        assert [(i.id.rsplit("/", 1)[1], i.input_encoding) for i in last] == [("f.txt", "windows-1252")]


def test_a_loop_that_stops_early_journals_only_what_it_finished(gateway, archive, tmp_path):
    journal = tmp_path / "done.jsonl"
    with Client(gateway) as client:
        for item in import_archive(client, [str(archive)], journal):
            break  # a crash in the caller's processing of the first file
        assert done_ids(journal) == set()
        seen = 0
        for item in import_archive(client, [str(archive)], journal):
            seen += 1
            if seen == 2:
                break
        assert done_ids(journal) == {expand([str(archive)])[0]}


def test_the_journal_is_the_clis_resume_format_both_ways(gateway, archive, tmp_path):
    # The CLI's --jsonl output (annotations, an error line) serves as a journal here...
    journal = tmp_path / "cli.jsonl"
    files = expand([str(archive)])
    journal.write_text(
        json.dumps({"id": files[0], "annotation": {"documentId": ""}}) + "\n"
        + json.dumps({"id": files[1], "error": {"code": 2, "message": "x"}}) + "\n"
        + '{"id": "cut sho'
    )
    assert done_ids(journal) == {files[0]}
    # ...and the CLI resumes from the Python import's journal.
    with Client(gateway) as client:
        list(import_archive(client, [files[2]], journal))
    run = subprocess.run(
        [copydesk_binary(), "analyze", "--addr", f"http://{gateway}", "--jsonl", "--resume", str(journal), str(archive)],
        capture_output=True, text=True, check=True,
    )
    ids = [json.loads(line)["id"] for line in run.stdout.splitlines()]
    assert ids == [files[1], files[3]]
