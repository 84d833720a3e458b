"""Stage beside the renderers: editorial checks of a converted release, for `press check`.

Takes a Document (the release and its checked body) and gives findings a press office
acts on: plain language, the accessibility of the content, completeness. They never
stop an export; `press check` reports them as warnings and notes.
"""
