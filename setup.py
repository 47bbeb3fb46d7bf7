"""The build step setuptools cannot declare: the files shipped beside the code.

Templates, static files (with the vendored front-end libraries that ``make assets``
copies from npm), workshop formats, migrations, the gunicorn settings and the licence sit
at the repository's top level, where the project keeps them. A wheel has no top level to
put them in (``data-files`` would scatter them under the environment's prefix, where
nothing finds them), so ``build_py`` copies them into the package, under
``facilitation/_share/``, where ``facilitation.shipped`` looks once installed. The list
of names is ``facilitation/shipped.py``'s own: one list, read by both.
"""

from __future__ import annotations

import runpy
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
NAMES = runpy.run_path(str(ROOT / "facilitation" / "shipped.py"))["NAMES"]
VENDORED = ROOT / "static" / "vendor" / ".installed"
CATALOGUES = sorted((ROOT / "facilitation" / "translations").glob("*/LC_MESSAGES/messages.po"))


def uncompiled() -> list[Path]:
    """Catalogues whose compiled .mo is missing or older: a wheel without them would
    serve every page in English, silently."""
    compiled = [(po, po.with_suffix(".mo")) for po in CATALOGUES]
    return [po for po, mo in compiled if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime]


class BuildWithSharedFiles(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the checkout itself
        if not VENDORED.exists():
            raise SystemExit("static/vendor is missing: run `make assets` before building.")
        if uncompiled():
            raise SystemExit("The translations are not compiled: run `make translations`.")
        share = Path(self.build_lib) / "facilitation" / "_share"
        shutil.rmtree(share, ignore_errors=True)  # nothing stale from an earlier build
        share.mkdir(parents=True)
        for name in NAMES:
            source = ROOT / name
            if source.is_dir():
                ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".installed")
                shutil.copytree(source, share / name, ignore=ignore)
            else:
                shutil.copy2(source, share / name)


setup(cmdclass={"build_py": BuildWithSharedFiles})
