"""The build: orders the stages for a whole press room and publishes the result.

export.py decides the order and what is public; release.py takes one release from its Document to
its outputs; printer.py prints PDFs in worker processes; cache.py remembers what is unchanged;
collection.py makes the listings and feeds; output.py alone writes to dist/ (as a snapshot);
lock.py keeps two exports apart; record.py holds what passes between them.
"""
