"""The constant tables in aiotrace/_decode/xlat/*.in and their reader (pure, no tracee)."""

from __future__ import annotations

import errno
import importlib
from pathlib import Path

import pytest

from aiotrace._decode import _tables
from aiotrace._decode._tables import Tables

XLAT = Path(_tables.__file__).with_name("xlat")


@pytest.mark.parametrize("path", sorted(XLAT.glob("*.in")), ids=lambda p: p.name)
def test_a_module_declares_each_table_of_its_file_and_reads_it(path):
    module = importlib.import_module("aiotrace._decode._" + path.stem)
    tables = module._T
    assert tables.path == str(path)
    declared = tables.declared()
    assert sorted(declared) == sorted(tables.tables())
    for name, kind in declared.items():
        table = getattr(module, name)
        assert table and isinstance(table, dict if kind == "Names" else tuple), name
        assert vars(module)[name] is table   # (read once, then kept)
    assert name in getattr(module, "__all__", [name])   # (_xlat has one)
    with pytest.raises(AttributeError, match="has no attribute 'NO_SUCH_TABLE'"):
        module.NO_SUCH_TABLE  # noqa: B018


def test_every_xlat_module_reads_its_file():
    modules = sorted(p.stem for p in XLAT.parent.glob("_xlat*.py"))
    assert modules and modules == sorted("_" + p.stem for p in XLAT.glob("*.in"))


def test_tables_read_as_they_were_written():
    from aiotrace._decode import _xlat as X
    from aiotrace._decode import _xlat_proc as XP
    assert X.ERRNO_NAMES[2] == "ENOENT" and X.ERRNO_NAMES[512] == "ERESTARTSYS"
    assert X.O_FLAGS[:2] == (("O_CREAT", 0o100), ("O_EXCL", 0o200))
    assert X.SI_CODES[-6] == "SI_TKILL"
    assert X.si_code_names(17)[1] == "CLD_EXITED" and X.si_code_names(29)[1] == "POLL_IN"
    assert X.si_code_names(15) == {}
    assert XP.CLONE3_FLAGS[-1] == ("CLONE_INTO_CGROUP", 0x200000000)
    assert ("CLONE_INTO_CGROUP", 0x200000000) not in XP.CLONE_FLAGS
    # the numbers of the errno names the C library knows too are the same
    for number, name in X.ERRNO_NAMES.items():
        assert getattr(errno, name, number) == number, name


def _tables_of(tmp_path, monkeypatch, text):
    monkeypatch.setattr(_tables, "_DIR", str(tmp_path))
    (tmp_path / "t.in").write_text(text)
    t = Tables("t", {"__name__": "t"})
    t.tables()   # (the file is read on first use)
    return t


def test_the_format(tmp_path, monkeypatch):
    t = _tables_of(tmp_path, monkeypatch,
                   "# comment\n\n[A]\nA_ONE 1\n  \n# A_TWO 2\nA_NEG -1\n[B]\nB_OCT 0o40\nB_HEX 0x10\nB_AGAIN 0x10\n")
    assert t.tables() == ["A", "B"]
    assert t.names("A") == {1: "A_ONE", -1: "A_NEG"}
    assert t.flags("B") == (("B_OCT", 32), ("B_HEX", 16), ("B_AGAIN", 16))
    with pytest.raises(ValueError, match=r"\[B\] in .*t.in gives a value two names"):
        t.names("B")
    with pytest.raises(KeyError, match=r"no table \[C\]"):
        t.names("C")


def test_a_module_reads_a_table_on_first_use(tmp_path, monkeypatch):
    namespace = {"__name__": "m", "__annotations__": {"A": "Names", "B": "Flags", "C": "int"}}
    t = _tables_of(tmp_path, monkeypatch, "[A]\nA_ONE 1\n[B]\nB_ONE 1\n")
    assert "A" not in namespace
    t = Tables("t", namespace)
    assert t.declared() == {"A": "Names", "B": "Flags"}
    (tmp_path / "t.in").write_text("[A]\nA_TWO 2\n[B]\nB_TWO 2\n")   # not read yet
    assert t.attribute("A") == {2: "A_TWO"} and namespace["A"] == {2: "A_TWO"}
    assert t.attribute("B") == (("B_TWO", 2),) and t.flags("B") is namespace["B"]
    for name in ("C", "D"):
        with pytest.raises(AttributeError, match="module 'm' has no attribute '%s'" % name):
            t.attribute(name)


@pytest.mark.parametrize("text, error", [
    ("A_ONE 1\n", r"t.in: 'A_ONE 1' before the first \[TABLE\]"),
    ("[A]\nA_ONE\n", r"t.in: \[A\]: expected a name and a value, not 'A_ONE'"),
    ("[A]\nA_ONE 1 2\n", r"t.in: \[A\]: expected a name and a value, not 'A_ONE 1 2'"),
    ("[A]\nA_ONE 1\n[A]\n", r"t.in: '\[A\]': expected \[TABLE\], a name not seen before"),
    ("[A] B\n", r"t.in: '\[A\] B': expected \[TABLE\]"),
])
def test_a_bad_file_says_where(tmp_path, monkeypatch, text, error):
    with pytest.raises(ValueError, match=error):
        _tables_of(tmp_path, monkeypatch, text)
