"""Build backend of the add-on: whool's, run on a copy of the add-on alone, named after it.

whool names the distribution after the folder it builds in and packs every file
under git control. This repository is the add-on but also holds its tooling,
benchmark and engine tests, and a clone may have any folder name. So each build
hook copies the files under git control, less those matching
``[tool.partner_lifecycle] wheel-exclude`` (globs relative to the add-on folder;
the sdist keeps everything), into a folder named ``[tool.partner_lifecycle]
addon``, and calls whool's own hook there. Editable installs are whool's as they are.
"""

import contextlib
import fnmatch
import os
import shutil
import subprocess
import tempfile
import tomllib
from pathlib import Path

from whool import buildapi
from whool.buildapi import build_editable, prepare_metadata_for_build_editable

__all__ = [
    "build_editable",
    "build_sdist",
    "build_wheel",
    "prepare_metadata_for_build_editable",
    "prepare_metadata_for_build_wheel",
]


def settings(project):
    """The [tool.partner_lifecycle] table of pyproject.toml."""
    config = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["partner_lifecycle"]


def project_files(project):
    """The files under git control (all files when building from an unpacked sdist)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=project, capture_output=True, check=True
        ).stdout.decode()
        names = [name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        names = [str(p.relative_to(project)) for p in project.rglob("*") if p.is_file()]
    return [name for name in names if (project / name).is_file()]


def put_under_git(folder):
    """Make the copy a git repository holding all its files: whool lists them with git."""
    try:
        for command in (["git", "init", "-q"], ["git", "add", "-A", "-f"]):
            subprocess.run(command, cwd=folder, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        shutil.rmtree(folder / ".git", ignore_errors=True)  # whool then copies the folder


@contextlib.contextmanager
def staged(exclude=True):
    """Work inside a copy of the add-on named after it, without the excluded files."""
    project = Path.cwd()
    config = settings(project)
    patterns = config.get("wheel-exclude", ()) if exclude else ()
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / config["addon"]
        for name in project_files(project):
            if name != "pyproject.toml" and any(fnmatch.fnmatch(name, p) for p in patterns):
                continue
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(project / name, target / name)
        if not (target / "PKG-INFO").exists():  # from an sdist, whool copies the whole folder
            put_under_git(target)
        os.chdir(target)
        try:
            yield
        finally:
            os.chdir(project)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    wheel_directory = os.path.abspath(wheel_directory)
    with staged():
        return buildapi.build_wheel(wheel_directory, config_settings, metadata_directory)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    metadata_directory = os.path.abspath(metadata_directory)
    with staged():
        return buildapi.prepare_metadata_for_build_wheel(metadata_directory, config_settings)


def build_sdist(sdist_directory, config_settings=None):
    sdist_directory = os.path.abspath(sdist_directory)
    with staged(exclude=False):
        return buildapi.build_sdist(sdist_directory, config_settings)
