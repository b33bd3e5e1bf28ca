"""De-identification of free text for every anonymous reader (DESIGN.md §7). Pure: no database.

`scrub(text)` replaces each personal item with a bracketed label ("[电话]", "[姓名]", …);
`find(text)` lists the items. It is the one step between anything a resident or a staff member
typed and a public surface (`tickets.publication` decides what is shown; this decides what is
removed). Tested on a corpus of realistic texts (tests/tickets/data/deidentify_corpus.json).

What is removed, by detectors that claim text in this order (an earlier claim wins where two
overlap):
- map points (two decimals with four or more places, or one after 经度/纬度/lat/lng);
- e-mail addresses (ASCII or full-width @);
- accounts and card numbers after a cue (QQ, 微信, 护照, 银行卡, 身份证号, …);
- digit runs (ASCII, full-width or Chinese digits, spaced by blanks, hyphens or parentheses):
  18-digit ID numbers (身份证号, check character X included); telephone numbers that
  libphonenumber accepts for China (mobiles, landlines with area code, +86 and 0086 forms),
  any other 11 digits beginning with 1, 10–12 digits beginning with 0, bare 7–8 digit local
  numbers (not dates, not amounts followed by a unit); any other run of nine digits or more
  (bank cards, old 15-digit IDs, ticket numbers). Company service lines (400/800) are kept:
  they name a business, not a person;
- licence plates (京A·12345, 京AD12345, 京 A 12345, after 车牌 without the province);
- door numbers below the community: a chain such as 3号楼2单元502室 / 三单元五零二室 / A座1805 /
  5栋2-502, 5-2-502, 502室, and a number after a road or lane (和平里北街[门牌]). A lone floor
  (三楼) or day (5号) stays, as does the name of a compound or road;
- names: after 我叫/姓名/联系人/诉求人/… (any two to four characters), after 本人/我是/业主/
  经理/… (only if they begin with a common surname), the surname after 姓, and a surname with
  its title (王先生, 李女士, 张师傅, 刘经理).

Known limits (why staff may withhold or replace a description, `tickets.publication`): a name
written with no cue at all ("刘强不作为") and numbers spelled out in words other than single
digits are not found.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers


class Kind(StrEnum):
    """What was found; the value is the label that replaces it."""

    ID_NUMBER = "[身份证号]"
    PHONE = "[电话]"
    NUMBER = "[号码]"
    EMAIL = "[邮箱]"
    ACCOUNT = "[账号]"
    PLATE = "[车牌]"
    ADDRESS = "[门牌]"
    POINT = "[坐标]"
    NAME = "[姓名]"


@dataclass(frozen=True)
class Found:
    kind: Kind
    start: int
    end: int
    text: str


# -- normalised views of the text (same length, so spans carry over) ---------------------------

# Full-width ASCII (０-９, Ａ-Ｚ, ＠, （, ＋ …) and the ideographic space, one character each.
_FULL_WIDTH = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20, 0xA0: 0x20}
_CHINESE_DIGITS = str.maketrans("零〇○一幺二两三四五六七八九", "00011223456789")
_SPELLED_RUN = re.compile("[零〇○一幺二两三四五六七八九]{7,}")


def _ascii(text: str) -> str:
    return text.translate(_FULL_WIDTH)


# -- map points ---------------------------------------------------------------------------------

_POINT_PAIR = re.compile(
    r"(?<![\d.])-?\d{1,3}\.\d{4,}\s*[,，、/;；\s]\s*-?\d{1,3}\.\d{4,}(?![\d.])"
)
_POINT_CUED = re.compile(
    r"(?:经度|纬度|东经|北纬|坐标|lat(?:itude)?|lng|lon(?:gitude)?)\s*[:：=]?\s*(-?\d{1,3}\.\d{3,})",
    re.IGNORECASE,
)


def _points(text: str):
    for m in _POINT_PAIR.finditer(text):
        yield Kind.POINT, m.start(), m.end()
    for m in _POINT_CUED.finditer(text):
        yield Kind.POINT, m.start(1), m.end(1)


# -- e-mail and accounts ------------------------------------------------------------------------

_EMAIL = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)
_ACCOUNT = re.compile(
    r"(?:QQ|微信|VX|WX|WeChat|微博)\s*(?:号码|号|账号|帐号|ID)?\s*[:：是为]?\s*"
    r"([A-Za-z0-9][A-Za-z0-9_\-]{4,29})",
    re.IGNORECASE,
)
_CARD = re.compile(
    r"(身份证|护照|通行证|证件|军官证|驾驶证|驾照|社保卡|医保卡|银行卡|储蓄卡|信用卡|卡号|账号|帐号|"
    r"车架号|发动机号)"
    r"\s*(?:号码|号)?\s*[:：是为]?\s*([A-Za-z0-9](?:[A-Za-z0-9]|[ \-](?=[A-Za-z0-9])){5,24})",
    re.IGNORECASE,
)


def _emails(text: str):
    for m in _EMAIL.finditer(_ascii(text)):
        yield Kind.EMAIL, m.start(), m.end()


def _accounts(text: str):
    view = _ascii(text)
    for m in _ACCOUNT.finditer(view):
        yield Kind.ACCOUNT, m.start(1), m.end(1)
    for m in _CARD.finditer(view):
        # Only something that holds digits is a number (not "证件 in English").
        if any(c.isdigit() for c in m.group(2)):
            kind = Kind.ID_NUMBER if m.group(1) == "身份证" else Kind.NUMBER
            yield kind, m.start(2), m.end(2)


# -- digit runs: ID numbers, telephones, other long numbers ------------------------------------

# Not inside a code of letters and digits (a business licence 91110105MA01…, a model number).
_RUN = re.compile(
    r"(?<![A-Za-z\d])[+(]?\d(?:[ \-–—‐()]{0,2}\d)*(?:[Xx](?![A-Za-z\d])|(?![A-Za-z\d]))"
)
_ID = re.compile(r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]")
_DATE8 = re.compile(r"(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")
# Dates written with separators (2026-05-06, 2026/5/6) are blanked before the runs are read.
_DATE_IN_TEXT = re.compile(r"(?<!\d)(?:19|20)\d{2}\s?[-–—/.]\s?\d{1,2}\s?[-–—/.]\s?\d{1,2}(?!\d)")
_BUSINESS_LINE = re.compile(r"[48]00\d{7}")
_MOBILE_LIKE = re.compile(r"(?:0086|86)?1\d{10}")
# A number followed by one of these counts things: an amount, an area, people.
_UNIT_AFTER = re.compile(r"\s*(?:元|块|万|亿|千|百|平|米|㎡|公里|人|户|次|个|辆|吨|岁|%|％|kg|km)")
_KEEP_TYPES = {
    phonenumbers.PhoneNumberType.TOLL_FREE,
    phonenumbers.PhoneNumberType.SHARED_COST,
    phonenumbers.PhoneNumberType.PREMIUM_RATE,
    phonenumbers.PhoneNumberType.UAN,
}


def _phone_verdict(raw: str) -> bool | None:
    """True: a personal telephone; False: a business line; None: not a valid number."""
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.number_type(number) not in _KEEP_TYPES


def _classify(raw: str, after: str) -> Kind | None:
    digits = re.sub(r"[^\dXx]", "", raw)
    core = digits.rstrip("Xx")
    if _ID.fullmatch(digits):
        return Kind.ID_NUMBER
    if _BUSINESS_LINE.fullmatch(core):
        return None
    verdict = _phone_verdict(raw.strip("()") if raw.count("(") != raw.count(")") else raw)
    if verdict is not None and core == digits:
        return Kind.PHONE if verdict else None
    if core == digits and _MOBILE_LIKE.fullmatch(core):
        return Kind.PHONE
    if (
        core == digits
        and len(core) in (7, 8)
        and core[0] in "23456789"
        and not _DATE8.fullmatch(core)
        and not _UNIT_AFTER.match(after)
    ):
        return Kind.PHONE
    if core == digits and core.startswith("0") and 10 <= len(core) <= 12:
        return Kind.PHONE
    if len(core) >= 9:
        return Kind.NUMBER
    return None


# A span of years (2025-2026供暖季, 2019—2021年): two years, the second a little later.
_YEAR_SPAN = re.compile(r"(?<!\d)((?:19|20)\d{2})\s?[-–—~～至到]\s?((?:19|20)\d{2})(?!\d)")


def _blank_year_spans(view: str) -> str:
    def blank(m):
        first, last = int(m.group(1)), int(m.group(2))
        return "#" * len(m.group()) if 0 < last - first <= 10 else m.group()

    return _YEAR_SPAN.sub(blank, view)


def _numbers(text: str):
    view = _DATE_IN_TEXT.sub(lambda m: "#" * len(m.group()), _ascii(text))
    view = _blank_year_spans(view)
    for m in _RUN.finditer(view):
        raw = m.group()
        if sum(c.isdigit() for c in raw) < 7:
            continue
        start, end = m.start(), m.end()
        while raw and raw[-1] in " -–—‐(":  # a separator the run may not end on
            raw, end = raw[:-1], end - 1
        if raw.startswith("(") and ")" not in raw:  # "（13812345678）": the bracket stays
            raw, start = raw[1:], start + 1
        while raw.endswith(")") and raw.count(")") > raw.count("("):
            raw, end = raw[:-1], end - 1
        kind = _classify(raw, view[end : end + 4])
        if kind is not None:
            yield kind, start, end
    # Numbers spelled digit by digit (一三八一二三四五六七八), read on their own so that a
    # word such as 一直 after a number is not taken for one of its digits.
    for m in _SPELLED_RUN.finditer(text):
        kind = _classify(m.group().translate(_CHINESE_DIGITS), "")
        if kind is not None:
            yield kind, m.start(), m.end()


# -- licence plates -----------------------------------------------------------------------------

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE = re.compile(
    rf"[{_PROVINCES}]\s?[A-Za-z]\s?[·•・.\-]?\s?[A-Za-z0-9]{{4,6}}[挂学警]?(?![A-Za-z0-9])"
)
_PLATE_CUED = re.compile(
    r"(?:车牌|牌照|号牌)(?:号码|号)?\s*[:：是为]?\s*([A-Za-z][A-Za-z0-9·•・.\-]{4,8})(?![A-Za-z0-9])"
)


def _plates(text: str):
    view = _ascii(text)
    for m in _PLATE.finditer(view):
        # At least three digits, so a word like 云A座 or a product code is not a plate.
        if sum(c.isdigit() for c in m.group()) >= 3:
            yield Kind.PLATE, m.start(), m.end()
    for m in _PLATE_CUED.finditer(view):
        yield Kind.PLATE, m.start(1), m.end(1)


# -- door numbers -------------------------------------------------------------------------------

_NUMERAL = "零〇○一二两三四五六七八九十百"
_ELEMENT = re.compile(
    rf"(?:(?P<digits>\d+[A-Za-z]?|[A-Za-z]\d*)|(?P<words>[{_NUMERAL}]+))\s*"
    r"(?P<unit>号楼|号院|号门|号房|单元|栋|幢|座|室|户|层|楼|号)"
)
# A bare room number or a "unit-room" pair right after a chain (3号楼2单元502, 5栋2-502).
_ROOM_AFTER = re.compile(r"\s*(?:\d{1,2}\s?-\s?)?\d{3,4}(?:室|房|号)?(?!\d)")
_ROAD_BEFORE = re.compile(r"(?:路|街|巷|弄|胡同|里|道|条|村|甲|乙|丙)\s*$")
_DASHED_3 = re.compile(r"(?<![\d\-])\d{1,3}\s?-\s?\d{1,2}\s?-\s?\d{2,4}(?![\d\-])")
_DASHED_2 = re.compile(
    r"(?:(?<=[楼栋座幢住])|(?<=住在)|(?<=家住)|(?<=房号)|(?<=门牌))\s*[:：]?\s*\d{1,2}-\d{3,4}(?![\d\-])"
    r"|(?<![\d\-])\d{1,2}-\d{3,4}(?=\s*(?:室|房|号))"
)
# A bare room number after a neighbour or a home (楼上1202, 家住502, 对门1101).
_ROOM_CUED = re.compile(
    r"(?:楼上|楼下|隔壁|对门|对面|住在|家住|房号|门牌号?|房间号?)\s*[:：是为]?\s*(\d{3,4})(?![\d\-])(?!\s*(?:元|块|米|平|号线))"
)
_STRONG_UNITS = {"号楼", "号院", "号门", "号房", "单元"}


def _element_is_strong(m, text: str) -> bool:
    unit, digits, words = m.group("unit"), m.group("digits"), m.group("words")
    if unit in _STRONG_UNITS:
        return True
    if unit in ("栋", "幢", "座"):
        return digits is not None
    if unit == "室":
        return len(digits or words) >= 3
    if unit == "号":
        return bool(_ROAD_BEFORE.search(text[: m.start()]))
    return False


def _addresses(text: str):
    view = _ascii(text)
    chain: list = []

    def close():
        if chain and (len(chain) > 1 or _element_is_strong(chain[0], view)):
            start, end = chain[0].start(), chain[-1].end()
            room = _ROOM_AFTER.match(view, end)
            if room:
                end = room.end()
            yield Kind.ADDRESS, start, end

    for m in _ELEMENT.finditer(view):
        if chain and view[chain[-1].end() : m.start()].strip():
            yield from close()
            chain = []
        chain.append(m)
    yield from close()
    for pattern in (_DASHED_3, _DASHED_2):
        for m in pattern.finditer(view):
            yield Kind.ADDRESS, m.start(), m.end()
    for m in _ROOM_CUED.finditer(view):
        yield Kind.ADDRESS, m.start(1), m.end(1)


# -- names --------------------------------------------------------------------------------------

_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲"
    "房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟"
    "应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "慕容",
    "令狐",
    "司徒",
    "尉迟",
)
# Surnames that are also everyday words; after a weak cue (经理, 我是 …) they are not trusted.
_WORDY_SURNAMES = set(
    "周曾房和时全车路边单成解应管连项费党查麻商师向明易关金石白方高江龙田于余万文安常华阳农景"
    "米卫宗古吉包兰甘符齐温康池谷司宫简牛毛武钱程马"
)
# Characters that end a name (function words, verbs that follow a name, punctuation aside).
_STOP = set(
    "的了在是住家电手联反投举来说称表和与及等也都不没已要想请今昨年月日号楼我您你他她们这那从"
    "对向给让被把就还又再因所但而且现目找去到打"
)
_TITLES = (
    "先生|女士|小姐|老师|师傅|阿姨|大爷|大妈|大娘|大姐|大哥|奶奶|爷爷|经理|主任|书记|队长|所长|"
    "科长|处长|局长|站长|组长|律师|医生|大夫|警官|老板|同志|总"
)
_STRONG_CUES = re.compile(
    r"(?:(?:我|他|她|孩子|儿子|女儿|老人|父亲|母亲|爸爸|妈妈|丈夫|妻子|爱人)叫|我名叫|本人叫|名叫|姓名|名字是|名字叫|联系人|诉求人|来电人|反映人|投诉人|举报人|"
    r"申请人|当事人|户主|收件人|签收人)\s*[:：是为叫]?\s*"
)
_WEAK_CUES = re.compile(
    r"(?:本人|我是|业主|住户|居民|老人|家属|患者|租户|房东|我爸|我妈|我父亲|我母亲|我爱人|我丈夫|"
    r"我妻子|我老公|我老婆|经理|主任|书记|网格员|保安|物业|工作人员|民警|司机|师傅|负责人|经办人)\s*[:：]?\s*"
)
_SEPARATORS = (":", "：", "是", "为", "叫")
_SURNAME_CUE = re.compile(r"(?<!百)(?:姓|贵姓)\s*[:：是为]?\s*")
_TITLED = re.compile(rf"(?P<name>[\u4e00-\u9fff]{{1,4}}?)(?:{_TITLES})")
_LATIN_NAME = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}")
# Words a cue may be followed by that are not names (举报人：匿名).
_NOT_NAMES = ("匿名", "本人", "不详", "未知", "保密", "无名", "业主", "住户", "居民")
# What may follow a name whose surname is also an everyday word (高建华，…; 钱淑芬反映 …).
_AFTER_WORDY_NAME = re.compile(
    r"$|[\s,，。.;；:：!！?？、()（）\[\]【】\"“”'‘’…—\-]|反映|投诉|举报|来电|今年|说|称|表示"
)


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _surname_length(text: str, i: int, *, trusted_only: bool) -> int:
    if text.startswith(_COMPOUND_SURNAMES, i):
        return 2
    char = text[i : i + 1]
    if char in _SURNAMES and not (trusted_only and char in _WORDY_SURNAMES):
        return 1
    return 0


def _name_end(text: str, i: int, given_max: int) -> int:
    j = i
    while j < len(text) and j - i < given_max and _is_cjk(text[j]) and text[j] not in _STOP:
        j += 1
    return j


def _names(text: str):
    for m in _STRONG_CUES.finditer(text):
        i = m.end()
        latin = _LATIN_NAME.match(text, i)
        if latin:
            yield Kind.NAME, i, latin.end()
            continue
        if (
            i >= len(text)
            or not _is_cjk(text[i])
            or text[i] in _STOP
            or text.startswith(_NOT_NAMES, i)
        ):
            continue
        surname = _surname_length(text, i, trusted_only=False)
        # A cue glued to the next word names someone only if a surname (or 小王, 老李) follows:
        # 申请人民调解, 来电人询问, 户主携带 are ordinary words.
        glued = not m.group().rstrip().endswith(_SEPARATORS)
        familiar = text[i] in "小老阿" and _surname_length(text, i + 1, trusted_only=False)
        if not surname and glued and not familiar:
            continue
        surname = surname or 1
        end = _name_end(text, i + surname, 2 if surname == 1 else 3)
        if end > i + surname or text.startswith(("先生", "女士"), end):
            yield Kind.NAME, i, end
    for m in _WEAK_CUES.finditer(text):
        i = m.end()
        surname = _surname_length(text, i, trusted_only=False)
        if not surname:
            continue
        end = _name_end(text, i + surname, 2)
        wordy = surname == 1 and text[i] in _WORDY_SURNAMES
        if end > i + surname and (not wordy or _AFTER_WORDY_NAME.match(text, end)):
            yield Kind.NAME, i, end
    for m in _SURNAME_CUE.finditer(text):
        surname = _surname_length(text, m.end(), trusted_only=False)
        if surname:
            yield Kind.NAME, m.end(), m.end() + surname
    for m in _TITLED.finditer(text):
        # The leftmost surname in front of the title starts the name (王建国先生, 李女士).
        name = m.group("name")
        # 王总 is a surname and the title alone (施工总承包, 支付负总责 are not names).
        given_max = 0 if m.group().endswith("总") else 2
        for offset in range(len(name)):
            surname = _surname_length(text, m.start() + offset, trusted_only=False)
            if surname and len(name) - offset <= surname + given_max:
                yield Kind.NAME, m.start() + offset, m.start("name") + len(name)
                break


# -- putting it together ------------------------------------------------------------------------

_DETECTORS = (_points, _emails, _accounts, _numbers, _plates, _addresses, _names)


def find(text: str) -> list[Found]:
    """The personal items in `text`, in reading order, without overlaps."""
    if not text:
        return []
    claimed: list[tuple[int, int]] = []
    found: list[Found] = []
    for detector in _DETECTORS:
        for kind, start, end in detector(text):
            if end <= start or any(start < e and s < end for s, e in claimed):
                continue
            claimed.append((start, end))
            found.append(Found(kind, start, end, text[start:end]))
    return sorted(found, key=lambda f: f.start)


def scrub(text: str) -> str:
    """`text` with every personal item replaced by its label."""
    if not text:
        return text or ""
    parts, position = [], 0
    for item in find(text):
        parts += [text[position : item.start], item.kind.value]
        position = item.end
    parts.append(text[position:])
    return "".join(parts)
