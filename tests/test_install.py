"""The package as users install it: built into a wheel and installed the ordinary way, not from this checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile

from conftest import ROOT, NOW


def test_an_ordinary_install_exports_with_its_own_theme_and_verifies_with_its_own_schemas(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(ROOT)],
                   check=True, capture_output=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    [wheel] = wheels.glob("*.whl")
    installed = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(installed)
    assert (installed / "pipeline/themes/default/templates/release.html").is_file()

    project = tmp_path / "project"
    shutil.copytree(ROOT / "sources", project / "sources")
    # -S: without site's startup files, so the editable install of this checkout is not on the path;
    # the dependencies come from the virtual environment's library folder.
    path = os.pathsep.join([str(installed), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])

    def press(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-S", "-c", "import pipeline, sys; print(pipeline.__file__); "
             "from pipeline.cli import main; sys.argv = ['press', *sys.argv[1:]]; main()", *args],
            cwd=project, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": path},
        )

    run = press("export", "sources", "-q", "--now", NOW)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(str(installed)), "the checkout was used, not the installed package"
    assert (project / "dist/theme/css/site.css").is_file()
    assert (project / "dist/2026/halmstad-quality-mark/halmstad-quality-mark.pdf").is_file()
    assert (installed / "pipeline/verify/schemas/newsml-g2/NewsML-G2_2.35-spec-All-Power.xsd").is_file()
    verified = press("verify", "dist", "-q")
    assert verified.returncode == 0 and verified.stderr.endswith("each is as manifest.json lists it, and sound\n"), verified.stderr
