"""The floor: WeasyPrint alone rendering the final release pages of a dist/, in N processes.

Usage: python bench/floor.py DIST JOBS — prints the number of pages rendered.
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

OPTIONS = {"pdf_variant": "pdf/a-3u", "pdf_tags": True}  # the same kind of PDF the pipeline makes
PRINT_FONTS = (Path(__file__).resolve().parent.parent / "themes/default/static/css/fonts-print.css").as_uri()


def render(paths: list[str]) -> int:
    import weasyprint  # paid once per process, as the pipeline pays it

    for path in paths:
        # The page as the pipeline hands it to WeasyPrint: with the TrueType fonts of fonts-print.css, which only
        # the theme holds (dist/ publishes what browsers load).
        html = Path(path).read_text("utf-8").replace('href="../../theme/css/fonts.css"', f'href="{PRINT_FONTS}"')
        weasyprint.HTML(string=html, base_url=path).write_pdf(**OPTIONS)
    return len(paths)


def main() -> None:
    dist, jobs = Path(sys.argv[1]), int(sys.argv[2])
    pages = sorted(str(p) for p in dist.glob("[0-9][0-9][0-9][0-9]/*/index.html"))
    chunks = [pages[i::jobs] for i in range(jobs)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        print(sum(pool.map(render, chunks)))


if __name__ == "__main__":
    main()
