"""How much one release may ask of the machine: far above any real press release, a clear error beyond.

A hostile or broken source (a 20 MB body, a list nested 5,000 deep, a 20,000 × 20,000 pixel
image in a 1 MB file) would otherwise hold every other release back, or take the machine's memory.
"""

RELEASE_BYTES = 2_000_000  # a release's source file; a long release is some 20 kB
FILE_BYTES = 500_000_000  # an image or attachment
IMAGE_PIXELS = 120_000_000  # an image's width × height: a 100-megapixel camera's photo fits
NESTING = 30  # lists and block quotes inside each other, counted on one line or by indentation
PANDOC_SECONDS = 60  # one pandoc run, for a batch of bodies or, on retry, for one
PANDOC_MEGABYTES = 1500  # pandoc's heap
PDF_SECONDS = 180  # making one release's PDF
PDF_MEGABYTES = 3000  # a PDF worker's address space
