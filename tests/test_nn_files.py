"""write_atomic: the one atomic writer; a bad target is refused naming the user's path."""

from __future__ import annotations

import os
import stat

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


# -- issue 16, item 1: an existing target keeps its mode, owner, links and kind ----------


def test_saving_over_a_private_file_keeps_its_mode(tmp_path):
    path = tmp_path / "model.json"
    path.write_text("old")
    path.chmod(0o600)
    MLP(2, [1], seed=0).save(path)
    assert path.stat().st_mode & 0o7777 == 0o600
    assert path.read_text().startswith("{") and no_temp_files(tmp_path)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_saving_as_root_keeps_the_files_owner(tmp_path):
    path = tmp_path / "model.json"
    path.write_text("old")
    os.chown(path, 1234, 2345)
    write_atomic(path, "new")
    st = path.stat()
    assert (st.st_uid, st.st_gid) == (1234, 2345) and path.read_text() == "new"


def test_saving_through_a_symlink_replaces_the_file_it_points_to(tmp_path):
    real_dir, link_dir = tmp_path / "real", tmp_path / "links"
    real_dir.mkdir()
    link_dir.mkdir()
    target = real_dir / "model.json"
    target.write_text("stale")
    target.chmod(0o640)
    link = link_dir / "model.json"
    link.symlink_to(target)
    write_atomic(link, "fresh")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "fresh" and target.stat().st_mode & 0o777 == 0o640
    assert os.listdir(link_dir) == ["model.json"] and os.listdir(real_dir) == ["model.json"]


def test_a_dangling_symlink_creates_the_file_it_names_as_open_does(tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "new.json")
    write_atomic(link, "made")
    assert link.is_symlink() and (tmp_path / "new.json").read_text() == "made"


def test_a_fifo_target_is_refused_and_left_alone(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file") as err:
        MLP(2, [1], seed=0).save(fifo)
    assert err.value.filename == str(fifo) and "FIFO" in str(err.value)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and os.listdir(tmp_path) == ["pipe.json"]


def test_a_device_target_is_refused_even_through_a_symlink(tmp_path):
    link = tmp_path / "null.json"
    link.symlink_to(os.devnull)
    with pytest.raises(OSError, match="character device.*not a regular file"):
        write_atomic(link, "x")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode) and os.listdir(tmp_path) == ["null.json"]


def test_a_read_only_file_is_a_permission_error_as_open_would_raise(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    path.write_text("keep me")
    path.chmod(0o444)
    real_access = os.access
    # as a user who is not root: root may write any file, and open() lets it
    monkeypatch.setattr(os, "access", lambda p, m: os.fspath(p) != str(path) and real_access(p, m))
    with pytest.raises(PermissionError, match="read-only") as err:
        write_atomic(path, "new")
    assert err.value.filename == str(path) and ".tmp" not in str(err.value)
    assert path.read_text() == "keep me" and os.listdir(tmp_path) == ["model.json"]


def test_a_hard_linked_file_is_refused_rather_than_its_link_broken(tmp_path):
    path, other = tmp_path / "model.json", tmp_path / "copy.json"
    path.write_text("shared")
    os.link(path, other)
    with pytest.raises(OSError, match="2 hard links") as err:
        write_atomic(path, "new")
    assert err.value.filename == str(path)
    assert os.path.samefile(path, other) and other.read_text() == "shared"
    assert sorted(os.listdir(tmp_path)) == ["copy.json", "model.json"]
