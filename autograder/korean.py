"""Korean particles (조사) that fit the word before them: "hello1이", "1.0과", "`docker ps -a`로".

A particle is chosen by the last sound of its word: whether that sound is a final consonant
(받침) and, for 으로/로, whether the consonant is ㄹ (ㄹ takes 로, like a vowel). The last sound
is read as a Korean reader says the word:

- a Hangul syllable: its final consonant, ``(code - 0xAC00) % 28`` (0 none, 8 ㄹ);
- a number, in Sino-Korean: digits after a decimal point one by one ("1.0" ends in 영, "1.37"
  in 칠); a whole number ending in zeros by its unit (10 십, 200 백, 3000 천, 10000 만, 10⁸ 억,
  10¹² 조), else by its last digit (영 일 이 삼 사 오 육 칠 팔 구);
- Latin letters, as Korean writes English (:func:`latin_sound`);
- closing punctuation (`` ` ' " ) ] } > `` and their typographic kin) and spaces are skipped,
  except that a gloss after a Korean word, "문자열(str)", is read as the word: "문자열(str)이".

A word ending in anything else (``…``, ``/``, another script) gets both forms: "…이(가)".
PyPI's ``tossi`` (last release 2018) reads numbers but no Latin letters, hence this module.
"""

from __future__ import annotations

import re
from typing import Literal

#: a word's last sound: no final consonant, ㄹ, or another final consonant
Sound = Literal["vowel", "ㄹ", "consonant"]
Pair = Literal["이/가", "은/는", "을/를", "과/와", "으로/로", "이다/다"]

#: pair → (after a consonant, after a vowel, when the sound is unknown)
FORMS: dict[Pair, tuple[str, str, str]] = {
    "이/가": ("이", "가", "이(가)"),
    "은/는": ("은", "는", "은(는)"),
    "을/를": ("을", "를", "을(를)"),
    "과/와": ("과", "와", "과(와)"),
    "으로/로": ("으로", "로", "(으)로"),
    "이다/다": ("이다", "다", "(이)다"),
}

CLOSING = "`'\")]}>”’」』》〉"
#: 영 일 이 삼 사 오 육 칠 팔 구
DIGITS: dict[str, Sound] = {
    "0": "consonant",
    "1": "ㄹ",
    "2": "vowel",
    "3": "consonant",
    "4": "vowel",
    "5": "vowel",
    "6": "consonant",
    "7": "ㄹ",
    "8": "ㄹ",
    "9": "vowel",
}
#: trailing zeros → the unit a number ending in them is read by: 십 백 천 만 억 조 경
UNITS: dict[int, Sound] = {
    1: "consonant",
    2: "consonant",
    3: "consonant",
    4: "consonant",
    8: "consonant",
    12: "vowel",
    16: "consonant",
}
#: letter names: 엘 알 end in ㄹ, 엠 엔 in another consonant, the rest (에이, 비, 제이…) in a vowel
LETTERS: dict[str, Sound] = {"l": "ㄹ", "r": "ㄹ", "m": "consonant", "n": "consonant"}
VOWELS = "aeiou"
NUMBER = re.compile(r"([0-9][0-9,]*)(?:\.([0-9]+))?$")
LATIN = re.compile(r"[A-Za-z]+$")
GLOSS = re.compile(r"[가-힣]\([^()]*\)$")  # 문자열(str): a Korean word and its gloss


def particle(word: str | int, pair: Pair) -> str:
    """``word`` with the particle of ``pair`` that fits it: ``particle("hello1", "이/가")``
    is ``"hello1이"``."""
    return f"{word}{choose(word, pair)}"


def choose(word: str | int, pair: Pair) -> str:
    """The particle alone (for a word that markup wraps: ``<code>…</code>를``)."""
    after_consonant, after_vowel, unknown = FORMS[pair]
    sound = last_sound(str(word))
    if sound is None:
        return unknown
    if sound == "vowel" or (sound == "ㄹ" and pair == "으로/로"):
        return after_vowel
    return after_consonant


def last_sound(word: str) -> Sound | None:
    """How ``word`` ends when read aloud; None when that cannot be told."""
    text = word.rstrip()
    if gloss := GLOSS.search(text):
        text = text[: gloss.start() + 1]
    text = text.rstrip(CLOSING + " \t\n")
    if not text:
        return None
    last = text[-1]
    if "가" <= last <= "힣":
        final = (ord(last) - 0xAC00) % 28
        return "vowel" if final == 0 else "ㄹ" if final == 8 else "consonant"
    if number := NUMBER.search(text):
        return number_sound(number.group(1).replace(",", ""), number.group(2))
    if letters := LATIN.search(text):
        return latin_sound(letters.group(0))
    return None


def number_sound(whole: str, fraction: str | None = None) -> Sound:
    """A number read in Sino-Korean: "1.0" 일 점 영, "1000" 천, "17" 십칠."""
    if fraction:
        return DIGITS[fraction[-1]]
    zeros = len(whole) - len(whole.rstrip("0"))
    if zeros == 0 or zeros == len(whole):  # 7 칠; 0 영
        return DIGITS[whole[-1]]
    return UNITS[max(u for u in UNITS if u <= zeros)]


def latin_sound(token: str) -> Sound:
    """The last sound of a run of Latin letters, as Korean writes English. A heuristic:

    - spelled letter by letter when it has no vowel letter (``js`` 제이에스, ``npm`` 엔피엠), has
      at most 2 letters (``id`` 아이디, ``ok`` 오케이) or is in capitals of at most 3 (``CMD``,
      ``API``): the last letter's name decides (엘 알 → ㄹ; 엠 엔 → consonant; else vowel);
    - otherwise read as a word: a silent final e is dropped (``file`` 파일 ㄹ, ``volume`` 볼륨,
      ``node`` 노드); l → ㄹ (``tool`` 툴); m, n, ng → consonant (``run`` 런, ``string``);
      p t k c ck b after one short vowel → consonant (``app`` 앱, ``commit`` 커밋, ``web`` 웹),
      as after ``ou`` (``out`` 아웃); after a vowel pair or a consonant Korean adds 으, so a
      vowel (``root`` 루트, ``test`` 테스트); every other ending is a vowel (``hello`` 헬로,
      ``docker`` 도커, ``busybox`` 비지박스, ``nginx`` 엔진엑스, ``tag`` 태그, ``diff`` 디프).

    Words that break the rule (``check`` 체크, ``type`` 타입) read as the rule says.
    """
    word = token.lower()
    has_vowel = any(c in VOWELS + "y" for c in word)
    if not has_vowel or len(word) <= 2 or (token.isupper() and len(token) <= 3):
        return LETTERS.get(word[-1], "vowel")
    if word.endswith("e") and word[-2] not in VOWELS:  # silent e: the consonant before decides
        before = word[-2]
        return "ㄹ" if before == "l" else "consonant" if before in "mn" else "vowel"
    last = word[-1]
    if last == "l":
        return "ㄹ"
    if last in "mn" or word.endswith("ng"):
        return "consonant"
    if last in "ptkcb":
        stem = word[:-1]
        if stem.endswith(last) or (last == "k" and stem.endswith("c")):  # app, stack
            stem = stem[:-1]
        if stem.endswith("ou"):
            return "consonant"
        if stem[-1:] and stem[-1] in VOWELS and (len(stem) == 1 or stem[-2] not in VOWELS + "y"):
            return "consonant"
    return "vowel"
