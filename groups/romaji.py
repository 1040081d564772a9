"""A group's page address from its kana reading: こどもしょくどう → kodomoshokudou.

Readings are stored as hiragana (groups.models.to_hiragana), so a table of the kana is enough:
no dictionary and no extra dependency. Hepburn-style, as Japanese people type addresses:
し shi, ち chi, つ tsu, ふ fu, じ ji, small っ doubles the next consonant (っち → tchi), ん before
a vowel or y becomes n- (きんようび kin-youbi keeps its syllables apart), long vowels as written
(おう ou, ー repeats nothing). Spaces and ・ become hyphens.
"""

from __future__ import annotations

import re
import unicodedata

_BASE = {
    "あ": "a", "い": "i", "う": "u", "え": "e", "お": "o",
    "か": "ka", "き": "ki", "く": "ku", "け": "ke", "こ": "ko",
    "が": "ga", "ぎ": "gi", "ぐ": "gu", "げ": "ge", "ご": "go",
    "さ": "sa", "し": "shi", "す": "su", "せ": "se", "そ": "so",
    "ざ": "za", "じ": "ji", "ず": "zu", "ぜ": "ze", "ぞ": "zo",
    "た": "ta", "ち": "chi", "つ": "tsu", "て": "te", "と": "to",
    "だ": "da", "ぢ": "ji", "づ": "zu", "で": "de", "ど": "do",
    "な": "na", "に": "ni", "ぬ": "nu", "ね": "ne", "の": "no",
    "は": "ha", "ひ": "hi", "ふ": "fu", "へ": "he", "ほ": "ho",
    "ば": "ba", "び": "bi", "ぶ": "bu", "べ": "be", "ぼ": "bo",
    "ぱ": "pa", "ぴ": "pi", "ぷ": "pu", "ぺ": "pe", "ぽ": "po",
    "ま": "ma", "み": "mi", "む": "mu", "め": "me", "も": "mo",
    "や": "ya", "ゆ": "yu", "よ": "yo",
    "ら": "ra", "り": "ri", "る": "ru", "れ": "re", "ろ": "ro",
    "わ": "wa", "ゐ": "i", "ゑ": "e", "を": "o", "ん": "n", "ゔ": "vu",
    "ぁ": "a", "ぃ": "i", "ぅ": "u", "ぇ": "e", "ぉ": "o", "ゎ": "wa", "ゕ": "ka", "ゖ": "ke",
}  # fmt: skip
_SMALL_Y = {"ゃ": "a", "ゅ": "u", "ょ": "o"}
_SMALL_VOWEL = {"ぁ": "a", "ぃ": "i", "ぅ": "u", "ぇ": "e", "ぉ": "o"}
# Consonant part before a small ゃゅょ: きゃ kya, しゃ sha, ちゃ cha, じゃ ja.
_Y_STEM = {"し": "sh", "ち": "ch", "じ": "j", "ぢ": "j"}
# Before a small vowel: ふぁ fa, てぃ ti, ゔぁ va, うぃ wi, ちぇ che.
_V_STEM = {"ふ": "f", "ゔ": "v", "う": "w", "て": "t", "で": "d", "し": "sh", "ち": "ch", "じ": "j"}


def kana_to_romaji(text: str) -> str:
    """Romaji of a hiragana/katakana reading (other letters and digits pass through)."""
    text = unicodedata.normalize("NFKC", text or "")
    # Katakana → hiragana (the reading may not have gone through the model yet).
    text = "".join(chr(ord(c) - 0x60) if 0x30A1 <= ord(c) <= 0x30F6 else c for c in text)
    out: list[str] = []
    double_next = False
    i = 0
    while i < len(text):
        ch = text[i]
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch == "っ":
            double_next = True
            i += 1
            continue
        if ch in "ゝゞ" and out:
            out.append(out[-1])
            i += 1
            continue
        if ch in _BASE:
            if nxt in _SMALL_Y and ch not in "ゃゅょ":
                base = _BASE[ch]
                syllable = _Y_STEM.get(ch, base[:-1] + "y") + _SMALL_Y[nxt]
                i += 2
            elif nxt in _SMALL_VOWEL and ch in _V_STEM:
                syllable = _V_STEM[ch] + _SMALL_VOWEL[nxt]
                i += 2
            else:
                syllable = _BASE[ch]
                i += 1
            if ch == "ん" and nxt and (nxt in "あいうえおやゆよ"):
                syllable = "n-"
            if double_next:
                syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
                double_next = False
            out.append(syllable)
            continue
        if ch in _SMALL_Y:  # a stray small ゃ
            out.append("y" + _SMALL_Y[ch])
        elif ch in "ー－-":
            pass  # a long vowel mark adds nothing to an address
        elif ch.isascii() and ch.isalnum():
            out.append(ch.lower())
        else:
            out.append("-")  # spaces, ・ and anything else separate words
        double_next = False
        i += 1
    return "".join(out)


def slug_from_reading(reading: str, *, max_length: int = 60) -> str:
    """A page address from a reading: lower-case letters, digits and single hyphens."""
    slug = re.sub(r"[^a-z0-9]+", "-", kana_to_romaji(reading)).strip("-")
    return slug[:max_length].rstrip("-")
