"""Synthetic look-alike 绩效自评报告 with gold questions, for measuring accuracy on reports nobody has seen.

Every gold value is computed from the very numbers written into the text, and every evidence string is
an exact substring of the text (noise included). ``eval.corpus`` adds other report kinds and builds whole
corpora from these; the tests use them small. Usage::

    rep = make_report("佛山市南海区财政局", 2021, seed=7, noise=True)
    Path(rep.name).write_text(rep.text); gold = rep.gold   # dicts in the seed_qa.jsonl format
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

CENT = Decimal("0.01")
FULL = str.maketrans("0123456789.%", "０１２３４５６７８９．％")
ABSENT_METRICS = ["三公经费支出", "政府采购金额", "固定资产总额", "公务接待费", "人员经费支出", "债务余额"]
OTHER_ORGS = ["韶关市武江区教育局", "惠州市惠阳区民政局", "江门市新会区水务局", "肇庆市端州区司法局"]  # never
# pass these to make_report: the "other organisation" questions assume no report of theirs exists
GRADES = [(90, "优"), (80, "良"), (60, "中"), (0, "差")]
WORK = [  # (sentence template with {n}, classifier, question about it)
    ("全年召开工作会议{n}次", "次", "召开了多少次工作会议"),
    ("开展专项督查{n}次", "次", "开展了多少次专项督查"),
    ("接待群众来访{n}人次", "人次", "接待群众来访多少人次"),
    ("办理群众诉求{n}件", "件", "办理了多少件群众诉求"),
    ("发放宣传资料{n}份", "份", "发放了多少份宣传资料"),
    ("组织业务培训{n}场次", "场次", "组织了多少场次业务培训"),
    ("审查各类合同{n}份", "份", "审查了多少份合同"),
    ("完成信息公开{n}条", "条", "完成信息公开多少条"),
    ("检查企业{n}家次", "家次", "检查企业多少家次"),
    ("办理行政许可{n}宗", "宗", "办理行政许可多少宗"),
]
INDICATORS = [  # (indicator, unit, target qualifier, low, high, is_rate)
    ("培训人次", "人次", "≥", 200, 3000, False),
    ("群众满意度", "%", "≥", 85, 99, True),
    ("资金拨付及时率", "%", "", 90, 100, True),
    ("督查检查次数", "次", "≥", 10, 80, False),
    ("宣传资料发放数量", "份", "不少于", 500, 20000, False),
    ("问题整改完成率", "%", "≥", 80, 100, True),
]
PROJECTS = ["业务工作经费", "信息化运维经费", "专项督查经费", "宣传培训经费", "设备购置经费", "课题研究经费"]
TABLE_PROJECTS = ["办公设备购置", "应急物资储备", "系统运维服务", "法律顾问服务", "档案数字化", "课题调研"]


@dataclass
class Report:
    """A generated report: file name, raw text (as a PDF dump would give it) and its gold questions."""

    name: str
    org: str
    year: int
    text: str
    gold: list[dict[str, Any]] = field(default_factory=list)


def _d(x: float | Decimal) -> Decimal:
    return Decimal(str(x)).quantize(CENT, rounding=ROUND_HALF_UP)


def short_org(org: str) -> str:
    """"广州市海珠区应急管理局" -> "海珠区应急管理局" (drop the city when a district follows)."""
    m = re.match(r"^.+?市(.+?[区县].+)$", org)
    return m.group(1) if m else org


class _Writer:
    def __init__(self, org: str, year: int, seed: int, noise: bool, name: str, harder: bool = False) -> None:
        self.org, self.year, self.rng, self.noise, self.name = org, year, random.Random(seed), noise, name
        self.harder = harder
        self.parts: list[str] = []
        self.gold: list[dict[str, Any]] = []

    # text helpers -------------------------------------------------------------------------------
    def num(self, s: str) -> str:
        """A number as written: sometimes full-width or with spaces around it (OCR / PDF debris)."""
        if self.noise and self.rng.random() < 0.25:
            return s.translate(FULL)
        if self.noise and self.rng.random() < 0.25:
            return f" {s} "
        return s

    def hard(self, templates: list[str]) -> list[str]:
        """Extra question phrasings, only in ``harder`` mode (so default reports stay the same)."""
        return templates if self.harder else []

    def words(self, s: str) -> str:
        """A label as written: with noise, sometimes a space inside it (PDF wrapping debris)."""
        if not self.noise or self.rng.random() > 0.3 or len(s) < 3:
            return s
        i = self.rng.randint(1, len(s) - 1)
        return s[:i] + " " + s[i:]

    def money(self, wan: Decimal) -> tuple[str, Decimal, str]:
        """(text, value as written, unit as written) for an amount in 万元: 万元, 元 with separators, or 亿元."""
        roll = self.rng.random()
        if roll < 0.3:
            yuan = wan * 10000
            return f"{yuan:,.2f}元", yuan, "元"
        if roll < 0.4 and wan >= 10000 and wan % 1 == 0:
            yi = (wan / 10000).normalize()
            return f"{yi}亿元", yi, "亿元"
        return f"{wan}万元", wan, "万元"

    def who(self) -> str:
        return self.rng.choice([self.org, short_org(self.org)])

    def ask(self, templates: list[str], **kw: Any) -> str:
        t = self.rng.choice(templates)
        return t.format(who=self.who(), y=self.year, **kw)

    def add(self, question: str, answer: str, value: Decimal | None, unit: str | None, evidence: str,
            qtype: str = "numeric", note: str = "") -> None:
        text = "".join(self.parts)
        if evidence and evidence not in text:
            raise AssertionError(f"generator bug: evidence {evidence!r} not in the text")
        if qtype != "unanswerable" and not (str(self.year) in question and short_org(self.org) in question):
            raise AssertionError(f"generator bug: question {question!r} names no year or organisation")
        item: dict[str, Any] = {
            "id": f"{self.name}-{len(self.gold) + 1:03d}", "question": question, "answer": answer,
            "value": float(value) if value is not None else None, "unit": unit,
            "doc": self.name if qtype != "unanswerable" else None, "evidence": evidence or None, "type": qtype}
        if note:
            item["note"] = note
        self.gold.append(item)

    def write(self, s: str) -> None:
        self.parts.append(s)


def make_report(org: str, year: int, seed: int, *, noise: bool = False, name: str | None = None,
                harder: bool = False) -> Report:
    """Generate one 部门整体支出绩效自评报告 (prose + 绩效完成情况表 + budget table) and its gold questions.

    Args:
        org: organisation name, e.g. "佛山市南海区财政局".
        year: report year.
        seed: random seed; the same arguments give the same report.
        noise: add OCR-ish noise (full-width digits, spaces inside words, a table row split by a page break).
        name: file name; default ``gen_{seed}.txt``.
        harder: also ask with less common phrasings (年初预算安排了多少资金, 整体预算执行进度, 多少元 ...).

    Returns:
        The report with its gold questions (numeric, computed and unanswerable).
    """
    w = _Writer(org, year, seed, noise, name or f"gen_{seed}.txt", harder)
    rng = w.rng
    title = rng.choice([f"# {year} 年度{org} 部门整体支出绩效自评报告", f"# {org}{year}年度部门整体支出绩效自评报告"])
    w.write(f"\n{title}\n\n## 一、基本情况\n\n### （一）部门概况\n\n")
    units = rng.randint(2, 9)
    ev_units = f"{w.words('下属事业单位')}{w.num(str(units))}个"
    w.write(f"{org}的主要职责是：\n\n1.贯彻执行有关法律法规和政策。\n\n2.组织实施本部门年度工作计划。\n\n"
            f"局本级下设内设机构若干个，{ev_units}。\n\n")
    w.add(w.ask(["{y}年{who}下属事业单位有几个", "{who}{y}年有多少个下属事业单位"]), f"{units}个", Decimal(units), "个",
          ev_units)
    _budget(w)
    if noise:
        w.write("第 2 页 共 5 页\n\n")
    _score_and_projects(w)
    _work(w)
    _table(w)
    _unanswerable(w)
    return Report(w.name, org, year, "".join(w.parts), w.gold)


def _budget(w: _Writer) -> None:
    rng, y = w.rng, w.year
    a = _d(rng.uniform(300, 30000))
    b = _d(a * Decimal(str(rng.uniform(0.97, 1.15))))
    b2 = _d(b * Decimal(str(rng.uniform(0.02, 0.2)))) if rng.random() < 0.6 else Decimal(0)
    b1 = b - b2
    c = _d(b * Decimal(str(rng.uniform(0.85, 0.999))))
    c1 = _d(c * Decimal(str(rng.uniform(0.5, 0.85))))
    c2 = c - c1
    r = _d(c / b * 100)
    (ta, va, ua), (tb, vb, ub), (tc, vc, uc) = w.money(a), w.money(b), w.money(c)
    (tc1, vc1, uc1), (tc2, vc2, uc2) = w.money(c1), w.money(c2)
    ev_a = rng.choice([f"{y}年部门年初预算为{w.num(ta)}", f"年初预算数为{w.num(ta)}", f"本年度部门年初预算{w.num(ta)}",
                       f"年初部门预算安排{w.num(ta)}", f"部门年初批复预算{w.num(ta)}"])
    ev_b = rng.choice([f"本年收入预算为{w.num(tb)}", f"调整后本年收入预算{w.num(tb)}", f"本年收入预算合计{w.num(tb)}",
                       f"全年收入预算调整为{w.num(tb)}"])
    ev_c = rng.choice([f"本年支出{w.num(tc)}", f"本年支出合计{w.num(tc)}", f"全年支出{w.num(tc)}",
                       f"本年度总支出{w.num(tc)}"])
    ev_c1, ev_c2 = f"{w.words('基本支出')}{w.num(tc1)}", f"项目支出{w.num(tc2)}"
    rs = w.num(f"{r}%")
    ev_r = rng.choice([f"{w.words('预算执行率')}为{rs}", f"部门预算执行率达{rs}", f"整体预算完成率为{rs}",
                       f"全年预算执行率{rs}", f"预算执行进度为{rs}"])
    change = ev_g = ""
    if rng.random() < 0.5:  # a change against last year, stated in the text
        prev = _d(c * Decimal(str(rng.uniform(0.8, 1.1))))
        diff, growth = c - prev, _d((c - prev) / prev * 100)
        word, pct = ("增加", "增长") if diff >= 0 else ("减少", "下降")
        ev_g = f"{pct}{w.num(f'{abs(growth)}%')}"
        change = f"，较上年{word}{abs(diff)}万元，{ev_g}"
    income = ev_b1 = ""
    if b2:
        (tb1, vb1, ub1), (tb2, _, _) = w.money(b1), w.money(b2)
        ev_b1 = f"一般公共预算财政拨款收入{w.num(tb1)}"
        income = f"，其中{ev_b1}，政府性基金预算财政拨款收入{w.num(tb2)}"
    w.write(f"## （三）部门整体收支情况\n\n预算完成情况：{ev_a}，经预算调整，{ev_b}{income}。"
            f"{ev_c}{change}。其中{ev_c1}，{ev_c2}。{ev_r}。\n\n")
    w.add(w.ask(["{who}{y}年年初预算是多少", "{who}{y}年的年初预算数？", "{y}年{who}部门年初预算多少",
                 *w.hard(["{y}年{who}年初预算安排了多少资金"])]), ta, va, ua, ev_a)
    w.add(w.ask(["{who}{y}年调整后的收入预算是多少", "{y}年{who}本年收入预算多少"]), tb, vb, ub, ev_b)
    w.add(w.ask(["{who}{y}年本年支出多少", "{y}年{who}全年支出是多少",
                 *w.hard(["{y}年{who}本年支出合计多少元", "{who}{y}年度总支出是多少"])]), tc, vc, uc, ev_c)
    w.add(w.ask(["{who}{y}年基本支出是多少", "{y}年{who}的基本支出"]), tc1, vc1, uc1, ev_c1)
    w.add(w.ask(["{who}{y}年项目支出多少", "{y}年{who}项目支出是多少"]), tc2, vc2, uc2, ev_c2)
    for q in ("{who}{y}年预算执行率是多少", "{y}年{who}的预算执行率？", "{who}{y}年部门预算完成率",
              *w.hard(["{y}年{who}整体预算执行进度是多少"])):
        w.add(w.ask([q]), f"{r}%", r, "%", ev_r)
    if b2:
        w.add(w.ask(["{y}年{who}一般公共预算财政拨款收入多少"]), tb1, vb1, ub1, ev_b1)
    if change:
        w.add(w.ask(["{y}年{who}本年支出较上年增长了百分之几", "{who}{y}年支出同比变化幅度是多少"]),
              f"{pct}{abs(growth)}%", growth, "%", ev_g, note="change against last year; negative for a fall")
    share = _d(c2 / c * 100)
    w.add(w.ask(["{y}年{who}项目支出占本年支出的比例是多少"]), f"{share}%", share, "%", f"{ev_c1}，{ev_c2}",
          "computed", note=f"{c2}/{c}")


def _score_and_projects(w: _Writer) -> None:
    rng = w.rng
    score = rng.randint(78, 99)
    grade = next(g for lim, g in GRADES if score >= lim)
    sc = w.num(str(score))
    ev = rng.choice([f"部门整体支出绩效自评结果为{sc}分", f"自评得分为{sc}分", f"部门整体支出绩效自评得分{sc}分"])
    w.write(f"## 二、综合评价分析\n\n### （一）自评结论综述\n\n{ev}，等级为“{grade}”。从评价情况来看，部门全年预算执行情况良好。\n\n"
            "### （三）各重点任务项目支出完成情况分析\n\n")
    w.add(w.ask(["{y}年{who}部门整体支出绩效自评得分是多少", "{who}{y}年自评得了多少分"]), f"{score}分",
          Decimal(score), "分", ev)
    for proj in rng.sample(PROJECTS, 2):
        p = _d(rng.uniform(5, 300))
        e = p if rng.random() < 0.5 else _d(p * Decimal(str(rng.uniform(0.8, 1))))
        rate = _d(e / p * 100)
        ev_p, ev_e = f"“{proj}”项目全年预算数为{w.num(str(p))}万元", f"执行数为{w.num(str(e))}万元"
        w.write(f"{ev_p}，{ev_e}，完成预算的{rate}%。项目绩效目标完成情况良好。\n\n")
        w.add(w.ask([f"{{y}}年{{who}}“{proj}”项目全年预算数是多少", f"{{who}}{{y}}年{proj}全年预算数"]), f"{p}万元", p, "万元",
              ev_p)
        w.add(w.ask([f"{{y}}年{{who}}{proj}执行数是多少", f"{{who}}{{y}}年“{proj}”项目执行数"]), f"{e}万元", e, "万元", ev_e)


def _work(w: _Writer) -> None:
    rng = w.rng
    w.write("#### （四）主要工作成效\n\n1.扎实推进重点工作。")
    for tmpl, unit, question in rng.sample(WORK, 5):
        n = rng.randint(3, 20000)
        lead = rng.choice(["", "共", "累计", "全年"])
        ev = tmpl.format(n=w.num(str(n)))
        w.write(f"{lead}{ev}；" if not tmpl.startswith("全年") else f"{ev}；")
        w.add(w.ask(["{y}年{who}" + question, "{who}{y}年" + question]), f"{n}{unit}", Decimal(n), unit, ev.strip())
    w.write("各项工作有序推进。\n\n")


def _table(w: _Writer) -> None:
    rng, y = w.rng, w.year
    w.write(f"{w.org} {y} 年部门整体绩效完成情况表\n\n")
    layout = rng.choice(["key", "three", "pipe"])
    cols = ["关键指标", "预期实现值", "年度完成值"] if layout != "three" else \
        ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值"]
    sep = " | " if layout == "pipe" else "\t"

    def line(cells: list[str]) -> str:
        return f"| {sep.join(cells)} |\n" if layout == "pipe" else sep.join(cells) + "\n"

    w.write(line(cols) + ("|" + "---|" * len(cols) + "\n" if layout == "pipe" else ""))
    for k, (ind, unit, qual, lo, hi, is_rate) in enumerate(rng.sample(INDICATORS, 4)):
        target = Decimal(rng.randint(lo, hi))
        actual = _d(rng.uniform(float(target), hi + (hi - lo) * 0.1)) if is_rate else Decimal(
            rng.randint(int(target), int(hi * 1.2)))
        if is_rate:
            actual = min(actual, Decimal(100)).quantize(Decimal("0.1"))
        t_txt, a_txt = f"{qual}{w.num(str(target))}{unit}", f"{w.num(str(actual))}{unit}"
        lead = ["产出指标", "数量指标", w.words(ind)] if layout == "three" else [w.words(ind)]
        if w.noise and k == 1 and layout != "pipe":  # a row cut by a page break: the actual cell continues
            w.write(line([*lead, t_txt, "按照年度工作计划有序推进，全年实际完成"]).rstrip("\n") + "\n\n- 3 -\n\n"
                    + "\t" * (len(lead) + 1) + f"{a_txt}，达到预期目标。\n")
        else:
            w.write(line([*lead, t_txt, a_txt]))
        w.add(w.ask([f"{{y}}年{{who}}{ind}的目标值是多少", f"{{who}}{{y}}年{ind}预期实现值"]), f"{qual}{target}{unit}",
              target, unit, t_txt.strip(), note="expected (预期实现值)")
        w.add(w.ask([f"{{y}}年{{who}}{ind}实际完成多少", f"{{who}}{{y}}年{ind}年度完成值是多少"]), f"{actual}{unit}",
              actual, unit, a_txt.strip(), note="actual (年度完成值)")
    in_header = rng.random() < 0.5
    money_cols = ["年初预算数", "全年预算数", "全年执行数"]
    head = [f"{c}（万元）" for c in money_cols] if in_header else money_cols
    w.write(("\n" if in_header else "\n单位：万元\n\n") + "\t".join(["项目名称", *head, "执行率"]) + "\n")
    for proj in rng.sample(TABLE_PROJECTS, 2):
        a = _d(rng.uniform(10, 500))
        full = _d(a * Decimal(str(rng.uniform(1, 1.2))))
        done = _d(full * Decimal(str(rng.uniform(0.8, 1))))
        rate = _d(done / full * 100)
        row = f"{proj}\t{a}\t{full}\t{done}\t{rate}%"
        w.write(row + "\n")
        w.add(w.ask([f"{{y}}年{{who}}{proj}全年执行数是多少", f"{{who}}{{y}}年{proj}的全年执行数"]), f"{done}万元", done,
              "万元", row, note="bare number; the unit is in the header or a 单位：万元 line")
    w.write("\n")


def _unanswerable(w: _Writer) -> None:
    rng, y = w.rng, w.year
    other_org = rng.choice([o for o in OTHER_ORGS if o != w.org])
    absent = rng.choice(ABSENT_METRICS)
    text = "".join(w.parts)
    assert absent not in text and other_org not in text
    for q, note in [(f"{y - 1}年{short_org(w.org)}预算执行率是多少", "other year"),
                    (f"{y}年{other_org}本年支出是多少", "other organisation"),
                    (f"{w.org}{y}年{absent}是多少", "metric not in the report")]:
        w.add(q, "unanswerable", None, None, "", "unanswerable", note)


def answerable_elsewhere(item: dict[str, Any], corpus: list[tuple[str, int]]) -> bool:
    """Whether an "unanswerable" question names an (organisation, year) that another report of the corpus covers."""
    if item["type"] != "unanswerable" or item.get("note") == "metric not in the report":
        return False
    q = item["question"]
    return any(str(year) in q and short_org(org) in q for org, year in corpus)


def write_reports(folder: Path, specs: list[tuple[str, int, int]], *, noise: bool = False,
                  harder: bool = False) -> list[Report]:
    """Write reports (org, year, seed) as .txt files plus one gold.jsonl into folder; return them.

    Unanswerable questions that another report of the same corpus answers (same organisation, other
    year) are dropped from the gold, so the file stays true for the corpus as a whole.
    """
    folder.mkdir(parents=True, exist_ok=True)
    reports = [make_report(org, year, seed, noise=noise, harder=harder) for org, year, seed in specs]
    corpus = [(org, year) for org, year, _ in specs]
    for rep in reports:
        rep.gold = [g for g in rep.gold if not answerable_elsewhere(g, corpus)]
    with (folder / "gold.jsonl").open("w", encoding="utf-8") as f:
        for rep in reports:
            (folder / rep.name).write_text(rep.text, encoding="utf-8")
            for g in rep.gold:
                f.write(json.dumps(g, ensure_ascii=False) + "\n")
    return reports
