"""Particles fit the last sound of their word: Hangul, numbers read in Sino-Korean, English as
Korean writes it, closing punctuation skipped; an unreadable ending gets both forms."""

import pytest

from autograder.korean import Pair, particle

CASES: list[tuple[str, Pair, str]] = [
    ("파일", "으로/로", "파일로"),
    ("볼륨", "을/를", "볼륨을"),
    ("컨테이너", "이/가", "컨테이너가"),
    ("study/hello:1.0", "이/가", "study/hello:1.0이"),
    ("1.0", "과/와", "1.0과"),
    ("1.1", "은/는", "1.1은"),
    ("study/hello:1.1", "과/와", "study/hello:1.1과"),
    ("busybox:1.37", "을/를", "busybox:1.37을"),
    ("hello1", "이/가", "hello1이"),
    ("hello2", "이/가", "hello2가"),
    ("uid 1000", "으로/로", "uid 1000으로"),
    ("1000", "으로/로", "1000으로"),
    ("3", "으로/로", "3으로"),
    ("7", "으로/로", "7로"),
    ("8", "이/가", "8이"),
    ("10", "을/를", "10을"),
    ("20", "으로/로", "20으로"),
    ("0", "이/가", "0이"),
    ("1,000,000,000,000", "이/가", "1,000,000,000,000가"),
    ("`docker ps -a`", "으로/로", "`docker ps -a`로"),
    ("`docker rm -f hello1`", "으로/로", "`docker rm -f hello1`로"),
    ("`app.js`", "과/와", "`app.js`와"),
    ("app.js", "을/를", "app.js를"),
    ("/data", "이/가", "/data가"),
    ("/tmp/note", "이/가", "/tmp/note가"),
    ("hello", "은/는", "hello는"),
    ("busybox", "은/는", "busybox는"),
    ("nginx", "이/가", "nginx가"),
    ("Dockerfile", "으로/로", "Dockerfile로"),
    ("study/hello:stable", "이/가", "study/hello:stable이"),
    ("study/secret:clean", "을/를", "study/secret:clean을"),
    ("mydata", "이/가", "mydata가"),
    ("app", "이/가", "app이"),
    ("commit", "으로/로", "commit으로"),
    ("root", "이/가", "root가"),
    ("stdout", "으로/로", "stdout으로"),
    ("USER", "이/가", "USER가"),
    ("CMD", "이/가", "CMD가"),
    ("JSON", "으로/로", "JSON으로"),
    ("ID", "은/는", "ID는"),
    ("npm", "으로/로", "npm으로"),
    ("html", "으로/로", "html로"),
    ("node", "이다/다", "node다"),
    ("'draft'", "이/가", "'draft'가"),
    ("(없음)", "이다/다", "(없음)이다"),
    ("참/거짓(bool)", "으로/로", "참/거짓(bool)으로"),
    ("f(x)", "을/를", "f(x)를"),
    ("sha256:…", "이/가", "sha256:…이(가)"),
    ("/app/", "으로/로", "/app/(으)로"),
    ("", "을/를", "을(를)"),
]


@pytest.mark.parametrize(("word", "pair", "expected"), CASES)
def test_particle_fits_the_last_sound(word: str, pair: Pair, expected: str) -> None:
    seen = particle(word, pair)
    assert seen == expected, f"particle({word!r}, {pair!r}): expected {expected!r}, saw {seen!r}"


def test_numbers_may_be_given_as_int() -> None:
    assert particle(3000, "으로/로") == "3000으로", particle(3000, "으로/로")
