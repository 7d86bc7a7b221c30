"""Units, magnitudes, qualifiers and Chinese numerals: the vocabulary the number reader (ingest.numbers) uses.

The word lists (units, magnitudes, qualifiers, direction words) are those of core/vocabulary.toml; this module reads
them once and adds the reader's own rules (numerals, what is not a quantity).
"""

from __future__ import annotations

import re
from decimal import Decimal

from core.vocabulary import alternation, load_vocabulary

_VOCABULARY = load_vocabulary()  # ingest runs without an Assistant: the packaged words

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}

CND = "零〇一二两三四五六七八九"
CNA = CND + "十百千万亿"

# an ASCII comma is a thousands separator only after 1-3 digits (or an earlier group) and before exactly three
# digits and a non-digit: 1,581,803万元 is one number, "增长5%,其中" and "1234,567" are a clause comma
NUM_AR = r"(?<!\d)\d{1,3}(?:,\d{3}(?!\d))+(?:\.\d+)?|\d+(?:\.\d+)?"
NUM_CN = rf"[{CND}十][{CNA}]*(?:点[{CND}]+)?"
SP = r"[ \u3000]{0,2}"

# Things that look numeric but are not quantities; matched first and skipped.
SKIP = "|".join([
    r"\d{4}\s*[-－—~～至到]\s*\d{4}\s*年",  # 2020-2023年
    r"\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?",  # 2020年12月31日
    rf"[{CND}]{{4}}年",  # 二〇二二年
    r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]",
    r"\d{1,2}\s*月(?:份|底|初|末|中旬|上旬|下旬)?(?!\d)",
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?!\d)",  # 2022-12-31
    r"\d{1,2}:\d{2}(?::\d{2})?",  # 09:30
    r"[〔\[【(（]\s*\d{4}\s*[〕\]】)）]\s*(?:第\s*)?\d*\s*号?",  # 〔2022〕12号
    r"\d+\s*号",
    r"0\d{2,3}\s*-\s*\d{7,8}(?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)",  # phone numbers
    r"[（(\[【]\s*\d{1,2}\s*[）)\]】]",  # （2）
    rf"第\s*(?:\d+|[{CNA}]+)",  # 第3季度, 第一
    r"(?:^|(?<=[\s。；;：:，,）)\]】“”\"]))\d{1,2}\s*[.．、](?=\s*(?:[^\d\s]|\d{4}\s*年))",  # list markers
    r"(?<=[A-Za-z])[\d.]+|\d+(?=[A-Za-z])(?!(?:km|m[23]?)(?![A-Za-z0-9]))",  # codes: G20, 800M (not 1100m)
])
MASTER = re.compile(
    rf"(?P<skip>{SKIP})|百分之{SP}(?P<pct>{NUM_AR}|{NUM_CN})|(?P<ar>{NUM_AR})|(?P<cn>{NUM_CN})",
    re.MULTILINE,
)

PER = re.compile(rf"\s*[/／]\s*({alternation(_VOCABULARY.units.per)})")
CN_NOT_AFTER = "第周统唯逐同之初单划合归专均万其某进"  # a Chinese numeral after these is part of a word
CN_ONE_IDIOM = re.compile(r"起|次性|张图|条龙|门心思|件事|家人|人一")  # 一起, 一次性 ... are not quantities
MAGNITUDES = list(_VOCABULARY.units.magnitudes)

# unit as written -> (base unit, kind); longest first when matching. A weak unit after a number followed by
# a CJK character is usually a word ("3本级"), so weak units need a non-CJK character (or end) after them.
UNITS: dict[str, tuple[str, str]] = _VOCABULARY.units.all
UNIT_LIST = sorted(UNITS, key=len, reverse=True)
WEAK = set(_VOCABULARY.units.weak)
LATIN = frozenset({"m", "km", "m2", "m3"})  # units of Latin letters: never followed by another letter or digit
ARABIC_ONLY = frozenset({"分", "级", "年一遇"})  # after a Chinese numeral these are words (三级指标, 一分)
NOT_AFTER: dict[str, str] = dict(_VOCABULARY.units.not_after)  # unit -> characters that, right after it, show it is part of a word
PRE_QUALIFIERS = sorted(_VOCABULARY.qualifiers.before, key=len, reverse=True)
POST_QUALIFIERS = _VOCABULARY.qualifiers.after
DOWN_WORDS = _VOCABULARY.changes.down  # matched on the simplified view (TRAD below)
UP_WORDS = _VOCABULARY.changes.up


def cn_to_decimal(s: str) -> Decimal:
    """Chinese numeral to Decimal: "一千二百零三点二" -> 1203.2, "二〇二二" -> 2022, "两" -> 2."""
    int_part, _, frac = s.partition("点")
    if not any(c in "十百千万亿" for c in int_part):
        digits = "".join(str(_CN_DIGITS[c]) for c in int_part) or "0"
    else:
        total = section = number = 0
        for c in int_part:
            if c in _CN_DIGITS:
                number = _CN_DIGITS[c]
            elif c in _CN_SMALL:
                section += (number or 1) * _CN_SMALL[c]
                number = 0
            elif c == "万":
                total += (section + number or 1) * 10**4
                section = number = 0
            elif c == "亿":
                total = (total + section + number or 1) * 10**8
                section = number = 0
        digits = str(total + section + number)
    frac_digits = "".join(str(_CN_DIGITS[c]) for c in frac)
    return Decimal(f"{digits}.{frac_digits}" if frac_digits else digits)


# Traditional characters as the mirrors write them (萬元, 億元, 增長, 較上年, 為): a one-to-one, length-preserving
# map to simplified, applied to a view of the text for reading numbers, units and connectors. Spans index both.
_TRAD = ("萬億個項場條張臺間門輛組屆節種類輪級為較與長減達預執決數計劃際實現額總費撥資產業務區縣報說體績標準設單員點幣價補貼"
         "災歲積畝噸裡並這從經開發關於過進運還對時後週歸況參團車購維護會議廳處辦機構稅財調轉結餘債償險醫療衛環農應監傳統學習圖書館"
         "動舉樂園樓層棟戶當專屬審導領題類檔檢權歐濟灣當盤眾稱穩籌紀織義職臨號見規訓許評詞請識貫貸貿載輝轄遷邁鄧鄭鍵陳響馬黃黎黨"
         "來傳價內別匯協嚴國堅強徑復徹戰揮據極構東楊惠匯壇庫廳帶屬紀綜緊績織興設證讀貨質購額顯須頁風養驗齊齡區")
_SIMP = ("万亿个项场条张台间门辆组届节种类轮级为较与长减达预执决数计划际实现额总费拨资产业务区县报说体绩标准设单员点币价补贴"
         "灾岁积亩吨里并这从经开发关于过进运还对时后周归况参团车购维护会议厅处办机构税财调转结余债偿险医疗卫环农应监传统学习图书馆"
         "动举乐园楼层栋户当专属审导领题类档检权欧济湾当盘众称稳筹纪织义职临号见规训许评词请识贯贷贸载辉辖迁迈邓郑键陈响马黄黎党"
         "来传价内别汇协严国坚强径复彻战挥据极构东杨惠汇坛库厅带属纪综紧绩织兴设证读货质购额显须页风养验齐龄区")
TRAD = str.maketrans(_TRAD, _SIMP)


def simplified(text: str) -> str:
    """``text`` with the traditional characters of TRAD made simplified; same length, so spans carry over."""
    return text.translate(TRAD)
