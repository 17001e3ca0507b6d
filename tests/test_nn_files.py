"""write_atomic: the one atomic writer; a bad target is refused naming the user's path."""

from __future__ import annotations

import os

import pytest

from nn import MLP
from nn.files import check_folder, write_atomic


def no_temp_files(folder) -> bool:
    return not [p for p in os.listdir(folder) if p.endswith(".tmp")]


def test_a_directory_target_is_an_is_a_directory_error_naming_it(tmp_path):
    with pytest.raises(IsADirectoryError) as err:
        MLP(2, [1], seed=0).save(tmp_path)
    assert err.value.filename == str(tmp_path)
    assert "is a directory" in str(err.value) and ".tmp" not in str(err.value)
    assert no_temp_files(tmp_path) and no_temp_files(tmp_path.parent)


def test_a_missing_folder_is_a_file_not_found_error_naming_the_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError) as err:
        MLP(2, [1], seed=0).save("nope/x.json")
    message = str(err.value)
    assert err.value.filename == "nope/x.json"
    assert "'nope' does not exist" in message and ".tmp" not in message
    assert os.listdir(tmp_path) == []


def test_a_folder_that_is_a_file_is_a_not_a_directory_error(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(NotADirectoryError) as err:
        write_atomic(tmp_path / "f" / "x.json", "{}")
    assert "is not a folder" in str(err.value) and ".tmp" not in str(err.value)


def test_a_read_only_folder_is_a_permission_error_naming_it(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "access", lambda path, mode: False)  # as if not root, 0555
    with pytest.raises(PermissionError) as err:
        write_atomic(tmp_path / "x.json", "{}")
    assert err.value.filename == str(tmp_path / "x.json")
    assert "not writable" in str(err.value) and ".tmp" not in str(err.value)
    assert os.listdir(tmp_path) == []


def test_a_failing_rename_names_the_target_not_the_temp_file(tmp_path, monkeypatch):
    def replace(src, dst):
        raise IsADirectoryError(21, "Is a directory", src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(IsADirectoryError) as err:
        write_atomic(tmp_path / "x.json", "{}")
    assert err.value.filename == str(tmp_path / "x.json") and ".tmp" not in str(err.value)
    assert os.listdir(tmp_path) == []


def test_good_writes_still_replace_whole_files_with_ordinary_permissions(tmp_path):
    path = tmp_path / "x.txt"
    write_atomic(path, "old")
    write_atomic(path, b"new")
    assert path.read_text() == "new" and os.listdir(tmp_path) == ["x.txt"]
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask


def test_check_folder_names_the_users_path_and_the_folder_at_fault(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(NotADirectoryError) as err:
        check_folder(tmp_path / "f", "run/out")
    assert err.value.filename == "run/out" and "is not a folder" in str(err.value)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        check_folder(tmp_path / "none", "run/out")
