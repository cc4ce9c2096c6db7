"""What a citizen typed into search, and the words the full-text backend is given for it.

Wagtail's database backend hands each word of the query to the database's own query language:
SQLite's FTS5 ``MATCH`` (where a stray ``"`` or a NUL ends the statement with a syntax error)
and PostgreSQL's ``tsquery`` (whose driver refuses a NUL). Rather than escape two syntaxes the
backend builds for us, the query is reduced here, in one place, to runs of letters and digits of
any script: quotes, operators' punctuation, brackets and control characters never reach the
database, and a word such as AND or NEAR arrives quoted as a plain word. Length and word count
are bounded, so a pasted page costs the same small query as two words.
"""

import re
import unicodedata

QUERY_MAX_LENGTH = 200
# More words only narrow an "and" search; past this many they add cost and no precision.
MAX_WORDS = 12
# Letters and digits of any script; the underscore that \w also matches separates words.
WORD = re.compile(r"[^\W_]+")


def typed_query(raw):
    """The query as shown back in the search box: control characters out, spaces collapsed.

    Characters of Unicode category C (NUL and other controls, format characters such as the
    soft hyphen, unassigned code points) are dropped, whitespace among them becomes one space.
    """
    kept = "".join(
        char for char in raw or "" if char.isspace() or unicodedata.category(char)[0] != "C"
    )
    return " ".join(kept.split())[:QUERY_MAX_LENGTH]


def search_words(query):
    """The words to search for, in the order typed; empty when the query has no letter or digit.

    NFKC first, so full-width letters, ligatures and superscript digits match what pages say.
    """
    normalised = unicodedata.normalize("NFKC", query)[:QUERY_MAX_LENGTH]
    return WORD.findall(normalised)[:MAX_WORDS]
