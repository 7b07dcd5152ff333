#!/usr/bin/env python3
"""Copy pinned front-end packages from the npm registry into kht/web/static/vendor/.

Each package ends up in ``kht/web/static/vendor/<package>@<version>/`` and holds
only the files the app actually loads (minified JS/CSS, fonts) plus the
package's license files.  ``//# sourceMappingURL=...`` comments are stripped so
browsers don't request .map files we don't ship.

Usage:
    python scripts/vendor_frontend.py            # (re)vendor every package
    python scripts/vendor_frontend.py htmx.org   # only the named package(s)

To update a package: change its version in VERSIONS, re-run this script, then
update the paths in the templates.  Requires ``npm`` on PATH (stdlib only
otherwise).  Re-running is safe: each package folder is deleted and recreated,
and folders of older versions of the same package are removed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# Exact pinned versions.  This is the one place to bump a dependency.
VERSIONS = {
    "htmx.org": "2.0.11",
    "bootstrap": "5.3.9",
    "bootstrap-icons": "1.13.2",
    # Alpine's CSP build (no eval: the Content-Security-Policy has no 'unsafe-eval'); 3.17.4
    # is its newest release (the standard build went on to 3.17.5 without it).
    "@alpinejs/csp": "3.17.4",
    "swagger-ui-dist": "5.35.0",
    "sortablejs": "1.15.7",
    "echarts": "6.1.0",
    "tom-select": "2.6.2",
    "fullcalendar": "6.1.21",
    "@fullcalendar/core": "6.1.21",  # only for its zh-cn locale (buttons, hints, titles)
    # The knowledge article editor (Fastmail's Squire: no toolbar of its own, so ours is
    # translated like any page), and DOMPurify, which Squire cleans pasted HTML with.
    "squire-rte": "2.4.8",
    "dompurify": "3.5.0",
}

# Files to keep, per package: path inside the npm tarball -> path inside the
# vendor folder.  License files (LICENSE*, LICENCE*, NOTICE*, COPYING* at the
# package root) are copied automatically and need not be listed here.
FILES = {
    "htmx.org": {
        "dist/htmx.min.js": "htmx.min.js",
    },
    "bootstrap": {
        "dist/css/bootstrap.min.css": "bootstrap.min.css",
        "dist/js/bootstrap.bundle.min.js": "bootstrap.bundle.min.js",
    },
    "bootstrap-icons": {
        # The CSS refers to "fonts/bootstrap-icons.woff2", keep that layout.
        "font/bootstrap-icons.min.css": "bootstrap-icons.min.css",
        "font/fonts/bootstrap-icons.woff2": "fonts/bootstrap-icons.woff2",
        "font/fonts/bootstrap-icons.woff": "fonts/bootstrap-icons.woff",
    },
    "@alpinejs/csp": {
        "dist/cdn.min.js": "cdn.min.js",
    },
    "swagger-ui-dist": {
        "swagger-ui.css": "swagger-ui.css",
        "swagger-ui-bundle.js": "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js": "swagger-ui-standalone-preset.js",
        # Third-party notices the bundles point to ("For license information
        # please see ...").
        "swagger-ui-bundle.js.LICENSE.txt": "swagger-ui-bundle.js.LICENSE.txt",
        "swagger-ui-standalone-preset.js.LICENSE.txt": (
            "swagger-ui-standalone-preset.js.LICENSE.txt"
        ),
    },
    "sortablejs": {
        "Sortable.min.js": "Sortable.min.js",
    },
    "echarts": {
        "dist/echarts.min.js": "echarts.min.js",
        "licenses/LICENSE-d3": "licenses/LICENSE-d3",  # referenced by LICENSE
    },
    "tom-select": {
        "dist/js/tom-select.complete.min.js": "tom-select.complete.min.js",
        "dist/css/tom-select.bootstrap5.min.css": "tom-select.bootstrap5.min.css",
    },
    "fullcalendar": {
        "index.global.min.js": "index.global.min.js",
    },
    "@fullcalendar/core": {
        "locales/zh-cn.global.min.js": "locales/zh-cn.global.min.js",
    },
    "squire-rte": {
        "dist/squire.js": "squire.js",  # minified, in spite of its name
    },
    "dompurify": {
        "dist/purify.min.js": "purify.min.js",
    },
}

ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = ROOT / "kht" / "web" / "static"
VENDOR_DIR = STATIC_DIR / "vendor"

LICENSE_NAME = re.compile(r"^(LICEN[CS]E|NOTICE|COPYING)([.-].*)?$", re.IGNORECASE)

# A source-map comment at the very end of a JS or CSS file.
SOURCE_MAP_COMMENT = re.compile(
    rb"\n?(?://[#@] sourceMappingURL=[^\n]*|/\*[#@] sourceMappingURL=[^\n]*?\*/)\s*\Z"
)

# url(...) and @import "..." in CSS.
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]*)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


class VendorError(Exception):
    pass


def folder_name(package: str) -> str:
    """'@scope/x' -> 'scope-x'; plain names are unchanged."""
    return package.lstrip("@").replace("/", "-")


def npm_pack(package: str, version: str, workdir: Path) -> Path:
    """Download PACKAGE@VERSION as a tarball into workdir and return its path."""
    spec = f"{package}@{version}"
    try:
        # --loglevel=error (not --silent): stdout is just the tarball name, but
        # npm's error messages still reach stderr.
        result = subprocess.run(  # noqa: S603 - fixed argv, spec comes from VERSIONS
            ["npm", "pack", spec, "--loglevel=error"],  # noqa: S607 - npm from PATH
            cwd=workdir,
            capture_output=True,
            text=True,
        )
    except FileNotFoundError:
        raise VendorError("npm was not found on PATH; install Node.js/npm first") from None
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        details = (result.stderr or result.stdout).strip()
        raise VendorError(f"`npm pack {spec}` failed (exit {result.returncode}):\n{details}")
    tarball = workdir / lines[-1].strip()
    if not tarball.is_file():
        raise VendorError(f"`npm pack {spec}` did not produce {tarball.name}")
    return tarball


def package_files(tar: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    """Map each regular file to its path inside the package ('package/' stripped)."""
    return {
        member.name.split("/", 1)[1]: member
        for member in tar.getmembers()
        if member.isfile() and "/" in member.name
    }


def strip_source_map(data: bytes) -> bytes:
    stripped, count = SOURCE_MAP_COMMENT.subn(b"\n", data)
    return stripped if count else data


def check_css(css_file: Path, package_dir: Path) -> None:
    """Fail if a stylesheet loads anything from the network or a missing local file."""
    for match in CSS_URL.finditer(css_file.read_text(encoding="utf-8")):
        url = (match.group(1) or match.group(2)).strip()
        if not url or url.startswith(("data:", "#")):
            continue
        if re.match(r"^(https?:)?//", url, re.IGNORECASE):
            raise VendorError(f"{css_file} loads an external URL: {url}")
        target = (css_file.parent / re.split(r"[?#]", url)[0]).resolve()
        if not target.is_file() or package_dir.resolve() not in target.parents:
            raise VendorError(f"{css_file} refers to {url}, which was not vendored")


def install(package: str, version: str, tarball: Path) -> None:
    name = folder_name(package)
    target = VENDOR_DIR / f"{name}@{version}"

    with tarfile.open(tarball, "r:gz") as tar:
        members = package_files(tar)
        manifest = json.loads(tar.extractfile(members["package.json"]).read())
        if manifest.get("version") != version:
            found = manifest.get("version")
            raise VendorError(f"{tarball.name} contains version {found}, expected {version}")

        wanted = dict(FILES[package])
        for path in members:
            if "/" not in path and LICENSE_NAME.match(path):
                wanted.setdefault(path, path)
        missing = [path for path in wanted if path not in members]
        if missing:
            raise VendorError(f"{package}@{version} has no {', '.join(missing)}")

        for old in VENDOR_DIR.glob(f"{name}@*"):
            if old.is_dir():
                shutil.rmtree(old)
                if old != target:
                    print(f"  removed old {old.relative_to(STATIC_DIR)}")
        target.mkdir(parents=True)

        for src, dest in wanted.items():
            data = tar.extractfile(members[src]).read()
            if dest.endswith((".js", ".css")):
                data = strip_source_map(data)
            out = target / dest
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)

    if not any(LICENSE_NAME.match(Path(p).name) for p in wanted):
        # e.g. alpinejs publishes no license file in its npm package.
        (target / "LICENSE.txt").write_text(
            f"{package}@{version} ships no license file in its npm package.\n"
            f"License (from its package.json): {manifest.get('license', 'unknown')}\n"
            f"Upstream: {_repository_url(manifest)}\n",
            encoding="utf-8",
        )

    for css_file in target.rglob("*.css"):
        check_css(css_file, target)

    print(f"  {package}@{version} -> {target.relative_to(STATIC_DIR)}/")


def _repository_url(manifest: dict) -> str:
    repo = manifest.get("repository") or manifest.get("homepage") or "unknown"
    if isinstance(repo, dict):
        repo = repo.get("url", "unknown")
    return repo


def main(argv: list[str]) -> int:
    packages = argv or list(VERSIONS)
    unknown = [p for p in packages if p not in VERSIONS]
    if unknown:
        print(f"error: unknown package(s): {', '.join(unknown)}", file=sys.stderr)
        return 2

    try:
        with tempfile.TemporaryDirectory(prefix="kht-vendor-") as tmp:
            # Download everything first, so a failing npm leaves vendor/ untouched.
            tarballs = {}
            for package in packages:
                print(f"npm pack {package}@{VERSIONS[package]}")
                tarballs[package] = npm_pack(package, VERSIONS[package], Path(tmp))

            print(f"Writing to {VENDOR_DIR.relative_to(ROOT)}/")
            VENDOR_DIR.mkdir(parents=True, exist_ok=True)
            for package in packages:
                install(package, VERSIONS[package], tarballs[package])
    except VendorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    print("\nVendored files:")
    total = 0
    for package in packages:
        folder = VENDOR_DIR / f"{folder_name(package)}@{VERSIONS[package]}"
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            size = path.stat().st_size
            total += size
            print(f"  {size:>10,}  {path.relative_to(STATIC_DIR)}")
    print(f"  {total:>10,}  total")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
