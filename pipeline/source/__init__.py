"""Reading and checking sources: a release file and site.yaml in, the frozen model out.

Takes `sources/` (YAML front matter and Markdown) and gives `Site` and `Release` (model.py), or
`path:line` problems. load.py reads; fields.py judges each field; moments.py reads times; svg.py
judges an SVG file. Nothing here converts the body or renders anything.
"""
