"""How text becomes tokens and a query becomes a safe full-text expression."""

from __future__ import annotations

import pytest
from pypinyin import lazy_pinyin

from kht.search.tokens import (
    fts5_expression,
    parse_query,
    phone_tokens,
    pinyin_tokens,
    text_tokens,
    tsquery_expression,
)


def test_cjk_runs_become_consecutive_bigrams_and_latin_words_lower_case():
    assert text_tokens("清华同方 Northwind-Traders Ltd.") == [
        "清华",
        "华同",
        "同方",
        "northwind",
        "traders",
        "ltd",
    ]


def test_a_lone_cjk_character_is_a_token_of_its_own():
    assert text_tokens("A座") == ["a", "座"]


def test_full_width_letters_and_digits_are_folded():
    assert text_tokens("ＡＢＣ１２３") == ["abc123"]


def test_phone_numbers_also_index_every_tail_of_four_or_more_digits():
    tokens = phone_tokens("010-6278 0909")
    assert {"010", "6278", "0909", "01062780909", "62780909"} <= set(tokens)
    assert "909" not in tokens


def test_names_get_full_and_initial_pinyin_from_each_syllable_on():
    tokens = pinyin_tokens("清华同方")
    assert {"qinghuatongfang", "huatongfang", "tongfang", "qhtf", "htf", "tf"} <= set(tokens)
    assert pinyin_tokens("Northwind") == []


@pytest.mark.parametrize(
    "name",
    ["重庆长安汽车股份有限公司", "中国银行重庆分行", "长城行业研究院", "朝阳区重要客户"],
)
def test_names_read_word_by_word_as_pypinyin_reads_the_whole_name(name):
    # Polyphonic characters (重 chong/zhong, 长 chang/zhang, 行 hang/xing) take the reading
    # of the word they are in, exactly as pypinyin reads the whole name.
    whole = [s for s in lazy_pinyin(name) if s.isascii() and s.isalpha()]
    assert pinyin_tokens(name)[0] == "".join(whole)


def test_a_query_splits_into_phrases_lone_characters_and_words():
    query = parse_query(" 华同方 华 North ")
    assert query.phrases == [["华同", "同方"]]
    assert query.chars == ["华"]
    assert query.words == ["north"]
    assert query.text == "华同方 华 north"


def test_search_syntax_is_punctuation_or_plain_words():
    query = parse_query('"x* OR -y ^z:w NEAR(a b)')
    assert query.words == ["x", "or", "y", "z", "w", "near", "a", "b"]
    assert fts5_expression(query) == " AND ".join(
        f'"{w}"*' for w in ["x", "or", "y", "z", "w", "near", "a", "b"]
    )
    assert parse_query("\"'*^:-()").empty


def test_expressions_for_both_databases():
    query = parse_query("清华同 north")
    assert fts5_expression(query) == '"清华 华同" AND "north"*'
    assert tsquery_expression(query) == "'清华' & '华同' & 'north':*"
    assert fts5_expression(parse_query("华")) is None
