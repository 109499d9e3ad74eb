"""A Babel extractor for the vocabulary files, so their labels land in the catalogs."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import IO, Any

# Columns whose text people read; codes and flags stay untranslated.
TRANSLATED_COLUMNS = ("label", "description")


def extract_vocabulary(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Yield the label and description of every row of a vocabulary CSV file."""
    text = io.TextIOWrapper(fileobj, encoding="utf-8")
    reader = csv.DictReader(text)
    for row in reader:
        for column in TRANSLATED_COLUMNS:
            value = (row.get(column) or "").strip()
            if value:
                yield reader.line_num, "gettext", value, [f"vocabulary: {column} of {row.get('code', '')}"]
