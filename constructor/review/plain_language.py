"""Plain-language measures for Russian text: long sentences, long words, bureaucratic phrases.

Cheap, explainable numbers an editor can act on, not a readability formula: the sentences
over the length limit (worst first), the share of words of five or more syllables, and the
officialese phrases that have a plainer equivalent. Thresholds are documented in docs/REVIEW.md.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

MAX_SENTENCE_WORDS = 25
# Words of 5+ syllables ("государственной", "предоставления"); Russian officialese is full of them.
LONG_WORD_SYLLABLES = 5
MAX_LONG_WORD_SHARE = 0.25
# Below this many words the share says nothing: a title alone is not "hard to read".
MIN_WORDS_FOR_SHARE = 40
# A service page may name itself once or twice; more reads like a regulation.
MAX_SERVICE_PHRASE_REPEATS = 2
WORST_SENTENCES_SHOWN = 3

VOWELS = frozenset("аеёиоуыэюяАЕЁИОУЫЭЮЯ")
WORD = re.compile(r"[А-Яа-яЁёA-Za-z]+(?:-[А-Яа-яЁёA-Za-z]+)*")
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"(]?[А-ЯЁA-Z0-9])")

# (pattern, the phrase as shown to the editor, a plainer way to say it)
BUREAUCRATIC_PHRASES = [
    (r"\bв целях\b", "в целях", "чтобы, для"),
    (r"\bв соответствии с\b", "в соответствии с", "по, согласно"),
    (r"\bосуществлени\w*", "осуществление", "назовите действие глаголом"),
    (r"\bосуществля\w*", "осуществлять", "делать, проводить"),
    (r"\bданн(?:ый|ая|ое|ого|ой|ому|ом|ую)\b", "данный", "этот"),
    (r"\bвышеуказанн\w*", "вышеуказанный", "этот, названный"),
    (r"\bнижеследующ\w*", "нижеследующий", "следующий"),
    (r"\bпосредством\b", "посредством", "через, с помощью"),
    (r"\bв рамках\b", "в рамках", "в, при"),
    (r"\bв случае если\b", "в случае если", "если"),
    (r"\bявляется\b", "является", "— (тире) или «это»"),
    (r"\bв обязательном порядке\b", "в обязательном порядке", "обязательно"),
    (r"\bпо истечении\b", "по истечении", "после"),
    (r"\bнадлежащ\w*", "надлежащий", "нужный, правильный"),
]
_COMPILED_PHRASES = [
    (re.compile(pattern, re.IGNORECASE), shown, plainer)
    for pattern, shown, plainer in BUREAUCRATIC_PHRASES
]
SERVICE_PHRASE = re.compile(r"\bпредоставлени\w* (?:государственн|муниципальн)\w* услуг\w*", re.I)


def syllables(word):
    return sum(1 for letter in word if letter in VOWELS)


def split_sentences(text):
    return [part.strip() for part in SENTENCE_END.split(text) if part.strip()]


@dataclass
class PlainLanguageReport:
    words: int = 0
    long_words: int = 0
    long_sentences: list = field(default_factory=list)  # (word count, sentence), worst first
    phrases: Counter = field(default_factory=Counter)  # shown phrase -> occurrences
    plainer: dict = field(default_factory=dict)  # shown phrase -> suggestion
    service_phrase_repeats: int = 0

    @property
    def long_word_share(self):
        return self.long_words / self.words if self.words else 0.0

    @property
    def too_many_long_words(self):
        return self.words >= MIN_WORDS_FOR_SHARE and self.long_word_share > MAX_LONG_WORD_SHARE


def measure(texts):
    """Measure an iterable of Russian text fragments (headings, paragraphs, list items)."""
    report = PlainLanguageReport()
    long_sentences = []
    for text in texts:
        for sentence in split_sentences(text):
            words = WORD.findall(sentence)
            report.words += len(words)
            report.long_words += sum(1 for word in words if syllables(word) >= LONG_WORD_SYLLABLES)
            if len(words) > MAX_SENTENCE_WORDS:
                long_sentences.append((len(words), sentence))
        for pattern, shown, plainer in _COMPILED_PHRASES:
            found = len(pattern.findall(text))
            if found:
                report.phrases[shown] += found
                report.plainer[shown] = plainer
        report.service_phrase_repeats += len(SERVICE_PHRASE.findall(text))
    long_sentences.sort(key=lambda item: item[0], reverse=True)
    report.long_sentences = long_sentences
    return report
