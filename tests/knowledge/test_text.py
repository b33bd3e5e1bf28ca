"""Segmentation, stop words, synonyms and the stored words. Pure."""

import rjieba

from knowledge import rendering, text


def test_a_question_without_spaces_is_cut_into_words_without_question_words():
    assert text.words("暖气不热找谁") == ["暖气", "不热"]
    assert text.words("非京籍 入学 材料") == ["非京籍", "入学", "材料"]


def test_search_mode_adds_the_short_words_inside_long_ones():
    assert {"义务", "教育", "义务教育"} <= set(text.words("义务教育入学"))


def test_punctuation_and_case_are_dropped():
    assert text.words("ABC，12345热线！") == ["abc", "12345", "热线"]


def test_every_synonym_is_one_word_for_the_segmenter():
    for group in text.SYNONYMS:
        for word in group:
            assert rjieba.cut(word) == [word], word


def test_query_concepts_bring_synonyms_at_a_lower_weight():
    [heating, _cold] = text.query_concepts("暖气不热")
    assert heating.alternatives["暖气"] == 1.0
    assert heating.alternatives["供暖"] == text.SYNONYM_WEIGHT


def test_a_single_character_counts_less_than_a_word():
    [pay, insurance] = text.query_concepts("交社保")
    assert pay.alternatives["交"] == text.CHARACTER_WEIGHT
    assert insurance.alternatives["社保"] == 1.0


def test_index_fields_keep_keyword_phrases_whole_and_pad_with_spaces():
    head, body = text.index_fields(
        title="供暖温度不达标", keywords="暖气不热, 采暖", body="室温18度"
    )
    assert " 暖气不热 " in head and " 暖气 " in head and " 采暖 " in head
    assert head.startswith(" ") and head.endswith(" ")
    assert " 室温 " in body


def test_markdown_is_rendered_without_raw_html_scripts_or_inline_styles():
    html = rendering.to_html(
        "# 标题\n\n<script>alert(1)</script> [x](javascript:alert(1)) [ok](https://a.example)\n\n"
        "| a | b |\n|:--|--:|\n| 1 | 2 |"
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert '<a href="https://a.example" rel="noopener noreferrer nofollow">ok</a>' in html
    assert "<h2>标题</h2>" in html and "<h1>" not in html
    assert "style=" not in html and "<table>" in html


def test_excerpt_is_plain_text_and_short():
    assert rendering.excerpt("**粗体**内容" * 20, 10) == "粗体内容粗体内容粗…"
