"""The de-identification of free text (tickets/deidentify.py): the corpus of realistic texts and
a table of single cases. Pure: no database."""

import json
from pathlib import Path

import pytest

from tickets.deidentify import Kind, find, scrub

CORPUS = json.loads((Path(__file__).parent / "data" / "deidentify_corpus.json").read_text())


def test_the_corpus_has_at_least_sixty_texts_each_of_them_real():
    assert len(CORPUS) >= 60
    for entry in CORPUS:
        for item in entry["personal"] + entry["keep"]:
            assert item in entry["text"], item  # the expectations quote the text exactly
    assert sum(bool(e["personal"]) for e in CORPUS) >= 55


@pytest.mark.parametrize("entry", CORPUS, ids=[e["text"][:12] for e in CORPUS])
def test_no_personal_item_of_the_corpus_survives_and_the_rest_reads_on(entry):
    scrubbed = scrub(entry["text"])
    for item in entry["personal"]:
        assert item not in scrubbed
    for words in entry["keep"]:
        assert words in scrubbed


@pytest.mark.parametrize("entry", CORPUS, ids=[e["text"][:12] for e in CORPUS])
def test_scrubbing_twice_changes_nothing_more(entry):
    once = scrub(entry["text"])
    assert scrub(once) == once


FOUND = [
    # identity numbers
    ("身份证110105199001011234", Kind.ID_NUMBER, "110105199001011234"),
    ("证号11010519900101123X。", Kind.ID_NUMBER, "11010519900101123X"),
    ("id 11010519900101123x", Kind.ID_NUMBER, "11010519900101123x"),
    ("110105 1990 0101 123X", Kind.ID_NUMBER, "110105 1990 0101 123X"),
    ("身份证号码：110105-19900101-1234", Kind.ID_NUMBER, "110105-19900101-1234"),
    # mobiles
    ("电话13812345678", Kind.PHONE, "13812345678"),
    ("电话138 1234 5678", Kind.PHONE, "138 1234 5678"),
    ("电话138-1234-5678", Kind.PHONE, "138-1234-5678"),
    ("+86 138 1234 5678", Kind.PHONE, "+86 138 1234 5678"),
    ("+86-13812345678", Kind.PHONE, "+86-13812345678"),
    ("008613812345678", Kind.PHONE, "008613812345678"),
    ("８６１３８１２３４５６７８", Kind.PHONE, "８６１３８１２３４５６７８"),
    ("电话幺三八一二三四五六七八", Kind.PHONE, "幺三八一二三四五六七八"),
    ("14012345678", Kind.PHONE, "14012345678"),  # not allocated, still a mobile's shape
    # landlines
    ("010-65123456", Kind.PHONE, "010-65123456"),
    ("010 6512 3456", Kind.PHONE, "010 6512 3456"),
    ("01065123456", Kind.PHONE, "01065123456"),
    ("(010)65123456", Kind.PHONE, "(010)65123456"),
    ("（010）6512-3456", Kind.PHONE, "（010）6512-3456"),
    ("+86-10-6512 3456", Kind.PHONE, "+86-10-6512 3456"),
    ("0755-86001234", Kind.PHONE, "0755-86001234"),
    ("座机65123456", Kind.PHONE, "65123456"),
    ("座机6512 3456", Kind.PHONE, "6512 3456"),
    ("座机6512-3456", Kind.PHONE, "6512-3456"),
    ("（13812345678）", Kind.PHONE, "13812345678"),
    # other numbers
    ("卡号6222021001123456789", Kind.NUMBER, "6222021001123456789"),
    ("旧身份证110105900101123", Kind.ID_NUMBER, "110105900101123"),
    ("护照E12345678", Kind.NUMBER, "E12345678"),
    ("QQ：12345678", Kind.ACCOUNT, "12345678"),
    ("微信 zhang_wei88", Kind.ACCOUNT, "zhang_wei88"),
    # e-mail
    ("邮箱a.b-c@mail.example.cn。", Kind.EMAIL, "a.b-c@mail.example.cn"),
    ("13812345678@163.com", Kind.EMAIL, "13812345678@163.com"),
    ("ｌｉ＠ｑｑ．ｃｏｍ", Kind.EMAIL, "ｌｉ＠ｑｑ．ｃｏｍ"),
    # plates
    ("京A·12345", Kind.PLATE, "京A·12345"),
    ("京A12345", Kind.PLATE, "京A12345"),
    ("京AD12345", Kind.PLATE, "京AD12345"),
    ("京A 12345F", Kind.PLATE, "京A 12345F"),
    ("京 N·8K6X9", Kind.PLATE, "京 N·8K6X9"),
    ("京a12345", Kind.PLATE, "京a12345"),
    ("粤B·D12345", Kind.PLATE, "粤B·D12345"),
    ("车牌号A12345", Kind.PLATE, "A12345"),
    # door numbers
    ("3号楼2单元502室", Kind.ADDRESS, "3号楼2单元502室"),
    ("3号楼2单元502", Kind.ADDRESS, "3号楼2单元502"),
    ("三单元五零二室", Kind.ADDRESS, "三单元五零二室"),
    ("十二号楼", Kind.ADDRESS, "十二号楼"),
    ("住5-2-502", Kind.ADDRESS, "5-2-502"),
    ("5栋2-502", Kind.ADDRESS, "5栋2-502"),
    ("502室", Kind.ADDRESS, "502室"),
    ("A座1805", Kind.ADDRESS, "A座1805"),
    ("18号院", Kind.ADDRESS, "18号院"),
    ("朝阳北路101号", Kind.ADDRESS, "101号"),
    ("楼上1202漏水", Kind.ADDRESS, "1202"),
    ("住在3-201", Kind.ADDRESS, "3-201"),
    # names
    ("我叫王建国，", Kind.NAME, "王建国"),
    ("我叫李娜住在", Kind.NAME, "李娜"),
    ("联系人：陈晓明 电话", Kind.NAME, "陈晓明"),
    ("联系人王女士", Kind.NAME, "王女士"),
    ("姓名:欧阳娜娜", Kind.NAME, "欧阳娜娜"),
    ("我姓刘", Kind.NAME, "刘"),
    ("本人张秀兰，", Kind.NAME, "张秀兰"),
    ("找王先生", Kind.NAME, "王"),
    ("刘经理说", Kind.NAME, "刘"),
    ("王建国先生", Kind.NAME, "王建国"),
    ("业主高建华，", Kind.NAME, "高建华"),
    ("我叫John Smith", Kind.NAME, "John Smith"),
    # points
    ("39.904200,116.407400", Kind.POINT, "39.904200,116.407400"),
    ("纬度39.9042", Kind.POINT, "39.9042"),
]


@pytest.mark.parametrize(("text", "kind", "item"), FOUND)
def test_each_kind_of_personal_item_is_found(text, kind, item):
    found = find(text)
    assert [(f.kind, f.text) for f in found] == [(kind, item)]
    assert item not in scrub(text) and kind.value in scrub(text)


KEPT = [
    "2026-05-12 10:30",
    "2026/5/12",
    "20260512",
    "2026年5月12日晚上8点",
    "每月6500元",
    "欠款1500000元",
    "3500000 人次",
    "拨打12345",
    "客服400-810-5555",
    "热线4008105555",
    "免费电话800-810-8888",
    "供电服务95598",
    "地铁5号线",
    "1号口",
    "本月5号",
    "住在三楼",
    "12层的住户",
    "一楼大厅",
    "三室一厅",
    "一栋楼",
    "有3户人家",
    "营业执照91110105MA01ABCD2X",
    "型号KFR-35GW",
    "老百姓都说",
    "姓名、电话都写了",
    "物业经理说",
    "我是本小区的业主",
    "我是高层住户",
    "业主委员会",
    "学校老师",
    "联系人电话",
    "举报人：匿名",
    "面积89.5平米",
    "气温-3.5度",
    "和平里社区",
    "和平里北街",
    "朝阳区",
    "2025-2026供暖季暖气不热",
    "2019—2021年连续三年漏水",
    "2025至2026学年入学",
    "协商不成的，可申请人民调解",
    "来电人询问本人社保缴费记录",
    "户主携带户口簿办理",
    "施工总承包单位拖欠工资",
    "对工资支付负总责",
]


@pytest.mark.parametrize("text", KEPT)
def test_what_is_not_personal_is_kept(text):
    assert find(text) == [] and scrub(text) == text


def test_a_bracket_around_a_number_is_kept():
    assert scrub("打给他（021-64001234）也不接") == "打给他（[电话]）也不接"


def test_empty_text():
    assert scrub("") == "" and find("") == []
