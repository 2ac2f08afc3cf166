"""The entry-point scan agrees with importlib.metadata, without importing it."""

from __future__ import annotations

import importlib.metadata
import sys
import zipfile
from pathlib import Path

import pytest

from famsock._entrypoints import EntryPoint, entry_points
from famsock.testing import open_fds


def dist_info(site: Path, dirname: str, metadata: str, entry_points_txt: str | None) -> None:
    meta = site / dirname
    meta.mkdir(parents=True)
    (meta / ("PKG-INFO" if dirname.endswith(".egg-info") else "METADATA")).write_text(metadata)
    if entry_points_txt is not None:
        (meta / "entry_points.txt").write_text(entry_points_txt)


def test_reads_the_group_from_dist_info_and_egg_info(tmp_path: Path) -> None:
    dist_info(tmp_path, "famsock_alpha-1.2.dist-info", "Metadata-Version: 2.1\nName: famsock-Alpha\n"
              "Version: 1.2.post1\n\nBody: not a header\n",
              "# comment\n[console_scripts]\nalpha = alpha:main\n\n[famsock.families]\n"
              "alpha = famsock_alpha\nbeta = famsock_alpha.extra:plugin [fast]\n; other comment\n")
    dist_info(tmp_path, "gamma.egg-info", "Metadata-Version: 1.0\nName: gamma\nVersion: 0.3\n",
              "[famsock.families]\ngamma=gamma_plugin\n")
    dist_info(tmp_path, "unrelated-1.0.dist-info", "Name: unrelated\nVersion: 1.0\n", None)
    (tmp_path / "old_style-1.0.egg-info").write_text("Name: old-style\n")  # a file, not a directory
    assert entry_points("famsock.families", [str(tmp_path)]) == [
        EntryPoint("alpha", "famsock_alpha", "famsock-Alpha", "1.2.post1"),
        EntryPoint("beta", "famsock_alpha.extra:plugin", "famsock-Alpha", "1.2.post1"),
        EntryPoint("gamma", "gamma_plugin", "gamma", "0.3"),
    ]


def test_the_first_distribution_of_a_name_on_the_path_wins(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    dist_info(first, "fam-2.0.dist-info", "Name: fam\nVersion: 2.0\n", "[famsock.families]\nnew = fam2\n")
    dist_info(second, "fam-1.0.dist-info", "Name: fam\nVersion: 1.0\n", "[famsock.families]\nold = fam1\n")
    found = entry_points("famsock.families", [str(first), str(second), str(tmp_path / "missing")])
    assert found == [EntryPoint("new", "fam2", "fam", "2.0")]


def test_zip_archives_on_the_path_are_read_too(tmp_path: Path) -> None:
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("zipped-1.0.dist-info/METADATA", "Name: zipped\nVersion: 1.0\n")
        bundle.writestr("zipped-1.0.dist-info/entry_points.txt", "[famsock.families]\nzipped = zipped\n")
    assert entry_points("famsock.families", [str(archive)]) == [
        EntryPoint("zipped", "zipped", "zipped", "1.0")]


def test_zipped_eggs_are_read_and_archives_are_closed(tmp_path: Path) -> None:
    egg = tmp_path / "old-2.0-py3.11.egg"
    with zipfile.ZipFile(egg, "w") as bundle:
        bundle.writestr("EGG-INFO/PKG-INFO", "Metadata-Version: 1.1\nName: old\nVersion: 2.0\n")
        bundle.writestr("EGG-INFO/entry_points.txt", "[famsock.families]\nold = old_family\n")
        bundle.writestr("old_family.py", "")
    (tmp_path / "not-a-zip.egg").write_text("garbage")
    before = open_fds()
    found = entry_points("famsock.families", [str(egg), str(tmp_path / "not-a-zip.egg")])
    assert found == [EntryPoint("old", "old_family", "old", "2.0")]
    assert open_fds() == before


@pytest.mark.parametrize("group", ["famsock.families", "console_scripts", "pytest11"])
def test_agrees_with_importlib_metadata_on_this_environment(group: str) -> None:
    ours = {(e.name, e.value, e.distribution.lower().replace("_", "-")) for e in entry_points(group)}
    theirs = {
        (e.name, e.value.split("[")[0].strip(),
         (e.dist.name if e.dist else "").lower().replace("_", "-"))
        for e in importlib.metadata.entry_points(group=group)
    }
    assert ours == theirs
    if group == "famsock.families":
        assert ("inet", "famsock_inet", "famsock-inet") in ours



def test_family_numbers_are_read_in_the_same_scan(tmp_path: Path) -> None:
    dist_info(tmp_path, "famsock_multi-1.0.dist-info", "Name: famsock-multi\nVersion: 1.0\n",
              "[famsock.families]\nmulti = famsock_multi\nother = famsock_other\nbad = famsock_bad\n"
              "[famsock.family_numbers]\n17 = famsock_multi\n44 = famsock_multi\nAF_X = famsock_bad\n"
              "45 = famsock_bad\n")
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("zipped-1.0.dist-info/METADATA", "Name: zipped\nVersion: 1.0\n")
        bundle.writestr("zipped-1.0.dist-info/entry_points.txt",
                        "[famsock.families]\nzipped = zipped\n[famsock.family_numbers]\n40 = zipped\n")
    found = entry_points("famsock.families", [str(tmp_path), str(archive)],
                         declarations="famsock.family_numbers")
    assert {e.name: e.families for e in found} == {
        "multi": (17, 44),
        "other": None,  # declares nothing
        "bad": None,  # a line that is no number: undeclared, so loaded with every lookup
        "zipped": (40,),
    }
    assert {e.families for e in entry_points("famsock.families", [str(tmp_path)])} == {None}


def test_metadata_headers_end_at_the_first_blank_line_whatever_the_line_ends(tmp_path: Path) -> None:
    for end in ("\n", "\r\n"):
        site = tmp_path / ("crlf" if end == "\r\n" else "lf")
        headers = ["Metadata-Version: 2.1", "Name: plug-real", "", "Version: 9.9 (in the description)"]
        dist_info(site, "plug-1.0.dist-info", end.join(headers), "[famsock.families]\nplug = plug\n")
        assert entry_points("famsock.families", [str(site)]) == [
            EntryPoint("plug", "plug", "plug-real", "1.0")]  # the version from the directory's name


def test_a_distribution_installed_after_the_import_system_listed_the_directory_is_found(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the scan reuses the path finder's listing only while the directory's mtime is the one it saw
    (tmp_path / "fs_listed_probe.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    __import__("fs_listed_probe")
    finder = sys.path_importer_cache[str(tmp_path)]
    assert "fs_listed_probe.py" in getattr(finder, "_path_cache", set())
    dist_info(tmp_path, "late-1.0.dist-info", "Name: late\nVersion: 1.0\n",
              "[famsock.families]\nlate = late\n")
    assert entry_points("famsock.families", [str(tmp_path)]) == [
        EntryPoint("late", "late", "late", "1.0")]
