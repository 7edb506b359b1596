#!/usr/bin/env python3
"""Vendor Golive's front-end assets from npm into the repository.

Hospital networks often block CDNs, so every script and stylesheet Golive serves lives under
``static/``. This script installs pinned versions with npm into a temporary directory and
copies only the files Golive needs:

- NHS.UK frontend (MIT): minified CSS and ES module, favicons and icons, a licence file.
  The CSS is rewritten so it makes no external requests: the Frutiger ``@font-face`` rules
  (served from assets.nhs.uk) are removed, so the font stack falls back to Arial, and
  root-absolute ``url(/assets/...)`` references become relative to the CSS file.
- htmx (0BSD): the minified script and its licence.
- Chart.js (MIT): the minified UMD build and its licence; ``static/golive/js/charts.mjs``
  draws every chart from a JSON data island, and each chart has its data table beside it.
- axe-core (MPL-2.0): used only by the browser tests, copied under ``tests/browser/vendor``.

Run from anywhere with ``python scripts/vendor_static.py`` (needs ``npm`` on the PATH and
access to the npm registry). Re-running replaces the vendored files; bump a version below,
run it, review the diff.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

NHSUK_FRONTEND = "10.6.1"
HTMX = "2.0.11"
AXE_CORE = "4.14.1"
CHART_JS = "4.6.1"

REPO = Path(__file__).resolve().parent.parent
STATIC_VENDOR = REPO / "static" / "vendor"
TEST_VENDOR = REPO / "tests" / "browser" / "vendor"

MIT_LICENCE = """\
MIT License

Copyright (c) NHS England

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

NHSUK_LICENCE_NOTE = """\

---

Vendored by Golive from the npm package nhsuk-frontend@{version}
(https://www.npmjs.com/package/nhsuk-frontend, source https://github.com/nhsuk/nhsuk-frontend).
The package ships no LICENSE file; its README states "The codebase is released under the MIT
Licence" and its package.json declares "license": "MIT". The text above is the standard MIT
licence with NHS England as copyright holder.

Changes made when vendoring (scripts/vendor_static.py): in nhsuk-frontend.min.css the
@font-face rules loading Frutiger from https://assets.nhs.uk were removed and
url(/assets/...) references were made relative; source map comments were removed from the
CSS and JavaScript.
"""

README = """\
# Vendored front-end assets

Hospital networks often block CDNs, so Golive serves every script and stylesheet itself.
Do not edit these files by hand: regenerate with `python scripts/vendor_static.py`
(pinned versions are at the top of that script).

| Package | Version | Licence | Where |
| --- | --- | --- | --- |
| [nhsuk-frontend][nhsuk] | {nhsuk} | MIT | `nhsuk-frontend/` |
| [htmx.org][htmx] | {htmx} | 0BSD | `htmx/` |
| [chart.js][chartjs] | {chartjs} | MIT | `chart.js/` |
| [axe-core][axe] (tests only) | {axe} | MPL-2.0 | see below |

[nhsuk]: https://www.npmjs.com/package/nhsuk-frontend
[htmx]: https://www.npmjs.com/package/htmx.org
[axe]: https://www.npmjs.com/package/axe-core
[chartjs]: https://www.npmjs.com/package/chart.js

- `nhsuk-frontend/`: `nhsuk-frontend.min.css`, `nhsuk-frontend.min.js` (an ES module exporting
  `initAll`), `assets/images/` (favicons and icons) and `LICENSE`.
- `htmx/`: `htmx.min.js` and `LICENSE`.
- `chart.js/`: `chart.umd.min.js` (defines the global `Chart`) and `LICENSE.md`.
- axe-core is used only by the browser tests and is not served: `tests/browser/vendor/axe.min.js`
  with its licence in `tests/browser/vendor/axe-core-LICENSE.txt`.

Changes made when vendoring NHS.UK frontend:

- the `@font-face` rules that load Frutiger from `https://assets.nhs.uk` are removed, so pages
  make no external requests and text falls back to Arial;
- `url(/assets/images/...)` becomes `url(assets/images/...)`, relative to the CSS file, so the
  icons load from `/static/vendor/nhsuk-frontend/assets/images/`;
- `sourceMappingURL` comments are removed (the source maps are not vendored, and Django's
  manifest static storage refuses references to missing files).
"""

FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
ROOT_ASSET_URL = re.compile(r"url\((['\"]?)/assets/")
SOURCE_MAP_CSS = re.compile(r"/\*#\s*sourceMappingURL=[^*]*\*/\s*")
SOURCE_MAP_JS = re.compile(r"//#\s*sourceMappingURL=\S*\s*$")
EXTERNAL_URL = re.compile(r"url\(\s*['\"]?https?:", re.IGNORECASE)


def npm_install(workdir: Path) -> Path:
    packages = [
        f"nhsuk-frontend@{NHSUK_FRONTEND}",
        f"htmx.org@{HTMX}",
        f"axe-core@{AXE_CORE}",
        f"chart.js@{CHART_JS}",
    ]
    (workdir / "package.json").write_text('{"private": true}\n')
    subprocess.run(
        [
            "npm",
            "install",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--save-exact",
            *packages,
        ],
        cwd=workdir,
        check=True,
    )
    return workdir / "node_modules"


def check_version(package_dir: Path, expected: str) -> None:
    found = json.loads((package_dir / "package.json").read_text())["version"]
    if found != expected:
        raise SystemExit(f"{package_dir.name}: npm installed {found}, expected {expected}")


def rewrite_css(css: str) -> str:
    css = FONT_FACE.sub("", css)
    css = ROOT_ASSET_URL.sub(r"url(\1assets/", css)
    css = SOURCE_MAP_CSS.sub("", css)
    if EXTERNAL_URL.search(css):
        raise SystemExit("nhsuk-frontend CSS still references an external url(); check the rewrite")
    return css


def strip_js_source_map(js: str) -> str:
    return SOURCE_MAP_JS.sub("", js.rstrip()) + "\n"


def replace_dir(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def vendor_nhsuk_frontend(modules: Path) -> None:
    package = modules / "nhsuk-frontend"
    check_version(package, NHSUK_FRONTEND)
    dist = package / "dist" / "nhsuk"
    target = replace_dir(STATIC_VENDOR / "nhsuk-frontend")
    css = (dist / "nhsuk-frontend.min.css").read_text(encoding="utf-8")
    (target / "nhsuk-frontend.min.css").write_text(rewrite_css(css), encoding="utf-8")
    js = (dist / "nhsuk-frontend.min.js").read_text(encoding="utf-8")
    if "initAll" not in js or "export{" not in js.replace(" ", ""):
        raise SystemExit("nhsuk-frontend.min.js is no longer an ES module exporting initAll")
    (target / "nhsuk-frontend.min.js").write_text(strip_js_source_map(js), encoding="utf-8")
    shutil.copytree(dist / "assets" / "images", target / "assets" / "images")
    licence = MIT_LICENCE + NHSUK_LICENCE_NOTE.format(version=NHSUK_FRONTEND)
    (target / "LICENSE").write_text(licence, encoding="utf-8")


def vendor_htmx(modules: Path) -> None:
    package = modules / "htmx.org"
    check_version(package, HTMX)
    target = replace_dir(STATIC_VENDOR / "htmx")
    js = (package / "dist" / "htmx.min.js").read_text(encoding="utf-8")
    (target / "htmx.min.js").write_text(strip_js_source_map(js), encoding="utf-8")
    shutil.copyfile(package / "LICENSE", target / "LICENSE")


def vendor_chart_js(modules: Path) -> None:
    package = modules / "chart.js"
    check_version(package, CHART_JS)
    target = replace_dir(STATIC_VENDOR / "chart.js")
    js = (package / "dist" / "chart.umd.min.js").read_text(encoding="utf-8")
    (target / "chart.umd.min.js").write_text(strip_js_source_map(js), encoding="utf-8")
    shutil.copyfile(package / "LICENSE.md", target / "LICENSE.md")


def vendor_axe_core(modules: Path) -> None:
    package = modules / "axe-core"
    check_version(package, AXE_CORE)
    TEST_VENDOR.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(package / "axe.min.js", TEST_VENDOR / "axe.min.js")
    shutil.copyfile(package / "LICENSE", TEST_VENDOR / "axe-core-LICENSE.txt")


def main() -> int:
    if shutil.which("npm") is None:
        print("npm is not on the PATH; install Node.js and npm first.", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="golive-vendor-") as tmp:
        modules = npm_install(Path(tmp))
        vendor_nhsuk_frontend(modules)
        vendor_htmx(modules)
        vendor_chart_js(modules)
        vendor_axe_core(modules)
    readme = README.format(nhsuk=NHSUK_FRONTEND, htmx=HTMX, axe=AXE_CORE, chartjs=CHART_JS)
    (STATIC_VENDOR / "README.md").write_text(readme, encoding="utf-8")
    print(
        f"Vendored nhsuk-frontend {NHSUK_FRONTEND}, htmx.org {HTMX}, chart.js {CHART_JS}, "
        f"axe-core {AXE_CORE}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
