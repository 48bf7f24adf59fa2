"""The offline edition: the site built to be read from file:// (no server), and zipped.

mkdocs-offline.yml builds it with Material's search (its index inlined as search/search_index.js by
Material's `offline` plugin: Pagefind's index cannot be read from file://) and the iframe-worker shim,
which stands in for the Web Worker that browsers refuse to start from a file:// page. The shim comes
from npm (`npm pack`, its integrity checked against the pinned one) when the edition is built, into
.kb-cache/vendor/, and is added to the site as SHIM; nothing a reader opens is fetched from the internet.

The shim writes, into a hidden frame, an inline script that becomes the worker's globals. The frame
inherits the page's Content-Security-Policy, so that script is allowed by its hash like the theme's
(kb.site.csp): its text is the shim's functions and the worker's URL as the page gives it, known
when the page is built (`frame_script`). Nothing else in the policy changes for the offline edition.

`zip_site` writes the zip: entries sorted, every timestamp the data's date (SOURCE_DATE_EPOCH), fixed
modes, so the same input gives the same bytes.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import json
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

from mkdocs.config.base import LegacyConfig
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from kb.core.files import write_atomic
from kb.site import csp

PLUGIN = "material/offline"
PLUGIN_NAME = "kb/offline"
IFRAME_WORKER = "iframe-worker@1.0.4"
"""Pinned exactly: `frame_script` rebuilds the inline script this release writes."""
INTEGRITY = "sha512-roeaaI+Lg1LJNfgpCjoRe/+WzEjy9+Z08LoEvu85MCPbBjwm+qXz8Ag5U05lHa6V1CysZyGzE0SOkAtSUA5q7Q=="
"""npm's integrity of IFRAME_WORKER's tarball (`npm view iframe-worker@1.0.4 dist.integrity`)."""
SHIM = "assets/iframe-worker/shim.js"
"""Where the shim goes in the site; extra.polyfills names it, so each page loads it before the theme."""


class OfflineError(Exception):
    """The offline edition cannot be built; `hint` says what to do."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


def enabled(config: MkDocsConfig) -> bool:
    """Whether `config` builds the offline edition (Material's offline plugin, enabled)."""
    plugin = config.plugins.get(PLUGIN)
    return plugin is not None and bool(plugin.config.enabled)


# -- The shim, from npm ---------------------------------------------------------------------------------------


def vendored_shim(cache: Path) -> str:
    """The text of IFRAME_WORKER's shim, from `cache` or else fetched with `npm pack` (and kept there)."""
    name, _, version = IFRAME_WORKER.rpartition("@")
    kept = cache / f"{name}-{version}" / "shim.js"
    if kept.is_file():
        return kept.read_text("utf-8")
    npm = shutil.which("npm")
    if npm is None:
        raise OfflineError(
            f"npm is needed to fetch {IFRAME_WORKER} (the shim that lets search run from file://)",
            "install Node.js and npm (apt-get install npm), then build again",
        )
    with tempfile.TemporaryDirectory(prefix="kb-vendor-") as tmp:
        run = subprocess.run(
            [npm, "pack", IFRAME_WORKER, "--prefer-offline", "--silent", "--json", "--pack-destination", tmp],
            cwd=tmp,
            capture_output=True,
            text=True,
        )
        tarballs = sorted(Path(tmp).glob("*.tgz"))
        if run.returncode != 0 or len(tarballs) != 1:
            raise OfflineError(
                f"npm pack {IFRAME_WORKER} failed: {(run.stderr or run.stdout).strip()[-400:]}",
                "check that npm can reach its registry (npm ping), then build again",
            )
        data = tarballs[0].read_bytes()
        got = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
        if got != INTEGRITY:
            raise OfflineError(
                f"{IFRAME_WORKER} from npm is not the pinned tarball (integrity {got}, expected {INTEGRITY})",
                "check the npm registry configured (npm config get registry)",
            )
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            member = tar.extractfile("package/shim/index.js")
            if member is None:
                raise OfflineError(f"{IFRAME_WORKER} has no package/shim/index.js")
            shim = member.read().decode("utf-8")
    kept.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(kept, shim.encode("utf-8"))
    return shim


# -- The script the shim writes into its frame ----------------------------------------------------------------

_FRAME = re.compile(r"<script>(?P<text>[^<]*)<\\/script>")
_PLACE = re.compile(r"\$\{(?P<name>\w+)\}")


def _function(shim: str, name: str) -> str | None:
    """The source text of the shim's `function name(...){...}`, as the browser's toString gives it."""
    start = shim.find(f"function {name}(")
    if start < 0:
        return None
    depth, quote, i = 0, "", shim.index("{", start)
    while i < len(shim):
        ch = shim[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return shim[start : i + 1]
        i += 1
    return None


def frame_script(shim: str, worker: str) -> str:
    """The inline script `shim` writes into the frame of a worker started with the URL `worker`: its
    placeholders are the shim's own functions (their source text) and, for the one that is no function,
    the worker's URL as given to `new Worker`."""
    found = _FRAME.search(shim)
    if found is None:
        raise OfflineError(f"{IFRAME_WORKER}: no inline <script> in the shim's frame; is it the pinned release?")

    def fill(match: re.Match[str]) -> str:
        return _function(shim, match["name"]) or worker

    return _PLACE.sub(fill, found["text"])


_CONFIG_SCRIPT = re.compile(r'<script id="__config" type="application/json">(?P<json>.*?)</script>', re.S)


def worker_url(page: str) -> str | None:
    """The URL of Material's search worker as the page `page` (its HTML) gives it (relative to the page)."""
    found = _CONFIG_SCRIPT.search(page)
    if found is None:
        return None
    value = json.loads(found["json"]).get("search")
    return value if isinstance(value, str) else None


def frame_scripts(shim: str, page: str) -> list[str]:
    url = worker_url(page)
    return [] if url is None else [frame_script(shim, url)]


class OfflineShim(BasePlugin[LegacyConfig]):  # type: ignore[no-untyped-call]  # mkdocs leaves BasePlugin.__init_subclass__ unannotated
    """Adds the shim to the site's files. Keeps nothing per page (kb.site.publish runs it on its workers)."""

    def __init__(self, shim: str) -> None:
        super().__init__()
        self.shim = shim

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        files.append(File.generated(config, SHIM, content=self.shim))
        return files


def install(config: MkDocsConfig, shim: str) -> None:
    """Make the loaded offline configuration `config` use the vendored `shim` (never unpkg.com, which
    Material's offline plugin would otherwise add), and let the policy allow the script of its frame."""
    polyfills = config.extra.setdefault("polyfills", [])
    if not any("iframe-worker" in str(p) for p in polyfills):
        polyfills.append(SHIM)
    if PLUGIN_NAME not in config.plugins:
        plugin = OfflineShim(shim)
        plugin.load_config({})
        config.plugins[PLUGIN_NAME] = plugin
    policy = config.plugins.get(csp.PLUGIN_NAME)
    if isinstance(policy, csp.ContentSecurityPolicy):
        policy.runtime_scripts = functools.partial(frame_scripts, shim)


# -- The zip ------------------------------------------------------------------------------------------------

ZIP_EPOCH = 315532800  # 1980-01-01: the earliest time a zip entry can hold


def zip_bytes(site_dir: Path, top: str, epoch: int) -> bytes:
    """Every file under `site_dir`, under the folder `top`, sorted, dated `epoch` (seconds, UTC)."""
    stamp = time.gmtime(max(epoch, ZIP_EPOCH))[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{top}/{path.relative_to(site_dir).as_posix()}", date_time=stamp)
            info.create_system = 3  # unix, wherever it is built: the mode below is read as such
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    return out.getvalue()


def zip_site(site_dir: Path, target: Path, epoch: int) -> int:
    """Write `site_dir` to the zip `target` (atomically), its entries in a folder named as the zip;
    returns its size in bytes."""
    data = zip_bytes(site_dir, target.stem, epoch)
    write_atomic(target, data)
    return len(data)
