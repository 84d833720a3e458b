"""The body: a release's Markdown in, its checked and converted Document out.

pandoc.py alone runs pandoc (Markdown to AST, AST to HTML, in batches); tree.py is the one walk over
pandoc's AST, a rule per node kind; checks.py holds the rules a body must keep; document.py puts a
release and its converted body together as the Document every renderer reads.
"""
