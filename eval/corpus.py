"""A bureau's archive, generated: many organisations, years and report kinds, every true figure known.

Organisations at every level (province, city, district, county, township, 事业单位), report kinds
(部门整体支出绩效自评报告, 绩效自评表, 部门决算说明, 预算执行情况报告) and the layouts of the published
reports in ``tests/data/real/docs``: headed lines as a PDF gives them, or one line per page as web copies
give them, with half-width punctuation (",:()") and words split by a space. Report ``i`` depends only on
``(i, seed)``, so the corpus of 100 reports is the start of the corpus of 1,000 and the same questions can be
scored at every size. Every gold evidence string is an exact substring of its report::

    reports = make_corpus(100)
    write_corpus(Path("/tmp/corpus"), reports)   # 100 .txt files and gold.jsonl
"""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path

from eval.generate import OTHER_ORGS, Report, _d, _Writer, answerable_elsewhere, make_report, short_org

# (province, city, districts and counties): place names, each district or county name used once
PLACES = [
    ("广东省", "佛山市", ["禅城区", "三水区", "高明区"]), ("广东省", "韶关市", ["浈江区", "曲江区", "乐昌市", "仁化县"]),
    ("广东省", "梅州市", ["梅江区", "梅县区", "五华县", "蕉岭县"]), ("广东省", "湛江市", ["赤坎区", "霞山区", "遂溪县", "徐闻县"]),
    ("广东省", "茂名市", ["茂南区", "电白区", "信宜市", "化州市"]), ("广西壮族自治区", "桂林市", ["秀峰区", "叠彩区", "阳朔县", "灵川县"]),
    ("广西壮族自治区", "柳州市", ["城中区", "鱼峰区", "柳江区", "融安县"]), ("福建省", "泉州市", ["鲤城区", "丰泽区", "安溪县", "永春县"]),
    ("福建省", "龙岩市", ["新罗区", "永定区", "长汀县", "上杭县"]), ("福建省", "莆田市", ["城厢区", "涵江区", "荔城区", "仙游县"]),
    ("浙江省", "杭州市", ["上城区", "拱墅区", "西湖区", "桐庐县"]), ("浙江省", "绍兴市", ["越城区", "柯桥区", "上虞区", "新昌县"]),
    ("浙江省", "温州市", ["鹿城区", "龙湾区", "瓯海区", "文成县"]), ("江苏省", "南京市", ["玄武区", "秦淮区", "建邺区", "溧水区"]),
    ("江苏省", "宿迁市", ["宿城区", "宿豫区", "沭阳县", "泗阳县"]), ("江西省", "赣州市", ["章贡区", "南康区", "宁都县", "于都县"]),
    ("江西省", "抚州市", ["临川区", "东乡区", "金溪县", "南城县"]), ("海南省", "海口市", ["秀英区", "龙华区", "琼山区", "美兰区"]),
    ("安徽省", "六安市", ["金安区", "裕安区", "金寨县", "霍山县"]), ("山东省", "济南市", ["历下区", "市中区", "槐荫区", "历城区"]),
    ("上海市", "上海市", ["闵行区", "普陀区", "徐汇区", "静安区"]), ("湖南省", "株洲市", ["荷塘区", "芦淞区", "攸县", "茶陵县"]),
]
DEPARTMENTS = ["财政局", "教育局", "民政局", "司法局", "水利局", "农业农村局", "卫生健康局", "应急管理局", "自然资源局",
               "生态环境局", "交通运输局", "文化广电旅游体育局", "人力资源和社会保障局", "市场监督管理局", "统计局",
               "审计局", "发展和改革局", "住房和城乡建设局", "退役军人事务局", "医疗保障局"]
PROVINCE_DEPTS = ["财政厅", "教育厅", "民政厅", "水利厅", "商务厅", "农业农村厅"]
INSTITUTIONS = ["疾病预防控制中心", "图书馆", "档案馆", "人民医院", "职业技术学校", "公共资源交易中心", "不动产登记中心"]
TOWNS = ["城关镇", "新城街道", "石桥镇", "大坪镇", "河西街道", "龙山镇"]
YEARS = list(range(2019, 2025))
KINDS = ("自评报告", "自评表", "决算", "预算执行")
HALF = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "；": ";", "\n": " ", "\t": " ", "#": None})
ABSENT = ["债务余额", "培训人次", "群众满意度", "固定资产总额", "人员经费支出", "资金拨付及时率"]


def organisations() -> list[tuple[str, str]]:
    """Every organisation the generator names, as (name, level), in a fixed order mixing the levels."""
    out: list[tuple[str, str]] = []
    towns = iter(TOWNS * 200)
    for i, (prov, city, districts) in enumerate(PLACES):
        if i < len(PROVINCE_DEPTS) and prov != "上海市":
            out.append((prov + PROVINCE_DEPTS[i], "province"))
        for k, dept in enumerate(DEPARTMENTS):
            out.append((city + dept, "city"))
            for j, dist in enumerate(districts):
                out.append((city + dist + dept, "county" if dist.endswith(("县", "市")) else "district"))
                if k % 7 == j:
                    out.append((city + dist + INSTITUTIONS[(i + j + k // 7) % len(INSTITUTIONS)], "institution"))
            if k % 5 == 0:
                dist = districts[k % len(districts)]
                town = next(towns)
                out.append((f"{city}{dist}{town}{'办事处' if town.endswith('街道') else '人民政府'}", "township"))
    names = [n for n, _ in out]
    assert len(set(names)) == len(names) and not set(names) & set(OTHER_ORGS)
    assert len({short_org(n) for n in names}) == len(names), "two organisations with one short name"
    random.Random(0).shuffle(out)
    return out


def spec(i: int, seed: int = 0) -> tuple[str, int, str, str]:
    """Report ``i`` of the corpus: (organisation, year, kind, layout); at most one report per org and year."""
    orgs = organisations()
    org, level = orgs[i % len(orgs)]
    year = YEARS[(i // len(orgs) + seed) % len(YEARS)]
    rng = random.Random(f"{seed}:{i}")
    if org.endswith("财政局") and level in ("district", "county") and rng.random() < 0.6:
        kind = "预算执行"
    else:
        kind = rng.choices(KINDS[:3], weights=[5, 2, 3])[0]
    layout = "web" if kind != "自评表" and rng.random() < 0.4 else "lines"
    return org, year, kind, layout


def make_corpus(n: int, seed: int = 0) -> list[Report]:
    """The first ``n`` reports of the corpus, with gold true for the corpus as a whole.

    Raises:
        ValueError: more reports asked than organisations times years.
    """
    limit = len(organisations()) * len(YEARS)
    if n > limit:
        raise ValueError(f"the generator names {limit} (organisation, year) pairs; asked for {n} reports")
    reports = [make_kind(i, seed) for i in range(n)]
    corpus = [(r.org, r.year) for r in reports]
    for rep in reports:
        rep.gold = [g for g in rep.gold if not answerable_elsewhere(g, corpus)]
    return reports


def write_corpus(folder: Path, reports: list[Report]) -> Path:
    """Write each report as a .txt file and all gold questions to ``folder/gold.jsonl``; return that path."""
    folder.mkdir(parents=True, exist_ok=True)
    gold = folder / "gold.jsonl"
    with gold.open("w", encoding="utf-8") as f:
        for rep in reports:
            (folder / rep.name).write_text(rep.text, encoding="utf-8")
            for g in rep.gold:
                f.write(json.dumps(g, ensure_ascii=False) + "\n")
    return gold


def make_kind(i: int, seed: int = 0) -> Report:
    """Report ``i``: its organisation, year, kind and layout from spec(), its numbers from (seed, i)."""
    org, year, kind, layout = spec(i, seed)
    name = f"r{i:05d}_{year}_{kind}.txt"
    rs = 100_003 * seed + i
    if kind == "自评报告":
        rep = make_report(org, year, rs, noise=i % 3 == 0, name=name)
    else:
        w = _Writer(org, year, rs, i % 3 == 0, name)
        {"自评表": _eval_table, "决算": _final_accounts, "预算执行": _budget_execution}[kind](w)
        _absent(w)
        rep = Report(name, org, year, "".join(w.parts), w.gold)
    return web_layout(rep) if layout == "web" else rep


def web_layout(rep: Report) -> Report:
    """The report as a web page copy gives it: the title, then one line, half-width punctuation, no heading marks."""
    title, _, body = rep.text.strip().partition("\n")
    text = title.translate(HALF).strip() + "\n" + body.translate(HALF).strip()
    gold = [{**g, "evidence": g["evidence"].translate(HALF) if g.get("evidence") else g.get("evidence")}
            for g in rep.gold]
    for g in gold:
        assert not g["evidence"] or g["evidence"] in text, g
    return Report(rep.name, rep.org, rep.year, text + "\n", gold)


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return _d(part / whole * 100)


def _absent(w: _Writer) -> None:
    """Three unanswerable questions: the year before, an organisation with no report, a metric not reported."""
    rng, y = w.rng, w.year
    text = "".join(w.parts)
    absent = next(m for m in rng.sample(ABSENT, len(ABSENT)) if m not in text)
    other = rng.choice(OTHER_ORGS)
    for q, note in [(f"{y - 1}年{short_org(w.org)}{rng.choice(['本年支出', '年初预算'])}是多少", "other year"),
                    (f"{y}年{other}本年支出是多少", "other organisation"),
                    (f"{w.org}{y}年{absent}是多少", "metric not in the report")]:
        w.add(q, "unanswerable", None, None, "", "unanswerable", note)


def _eval_table(w: _Writer) -> None:
    """部门整体支出绩效自评表: a header block, the budget row, indicator rows, the total score."""
    rng, y, org = w.rng, w.year, w.org
    a = _d(rng.uniform(200, 20000))
    b = _d(a * Decimal(str(rng.uniform(1.0, 1.12))))
    c = _d(b * Decimal(str(rng.uniform(0.85, 0.999))))
    r = _pct(c, b)
    w.write(f"{y}年度部门整体支出绩效自评表\n\n单位名称\t{org}\n\n"
            "年度预算申请（万元）\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n")
    row = f"年度资金总额\t{a}\t{b}\t{c}\t10\t{r}%\t{_d(r / 10).quantize(Decimal('0.1'))}"
    w.write(row + "\n\n一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n")
    w.add(w.ask(["{who}{y}年年初预算数是多少", "{y}年{who}年初预算多少"]), f"{a}万元", a, "万元", row)
    w.add(w.ask(["{who}{y}年全年执行数是多少", "{y}年{who}全年执行数"]), f"{c}万元", c, "万元", row)
    w.add(w.ask(["{who}{y}年预算执行率是多少", "{y}年{who}的执行率"]), f"{r}%", r, "%", row)
    from eval.generate import INDICATORS

    total = Decimal(10)
    for ind, unit, qual, lo, hi, is_rate in rng.sample(INDICATORS, 4):
        target = Decimal(rng.randint(lo, hi))
        actual = min(_d(rng.uniform(float(target), hi)), Decimal(100)).quantize(Decimal("0.1")) if is_rate \
            else Decimal(rng.randint(int(target), int(hi * 1.2)))
        score = rng.randint(15, 20)
        total += score
        line = f"产出指标\t数量指标\t{w.words(ind)}\t{qual}{target}{unit}\t{actual}{unit}\t20\t{score}"
        w.write(line + "\n")
        w.add(w.ask([f"{{y}}年{{who}}{ind}实际完成值是多少", f"{{who}}{{y}}年{ind}实际完成多少"]), f"{actual}{unit}",
              actual, unit, f"{actual}{unit}", note="actual (实际完成值)")
    ev = f"总分\t100\t{total}"
    w.write(f"{ev}\n\n填报单位：{org}\n")
    w.add(w.ask(["{y}年{who}自评总分是多少", "{who}{y}年绩效自评得分"]), f"{total}分", total, "分", ev)


def _final_accounts(w: _Writer) -> None:
    """部门决算说明: totals against last year, income and spending with their shares, 三公经费, purchases."""
    rng, y, org = w.rng, w.year, w.org
    w.write(rng.choice([f"{org}{y}年度部门决算说明", f"{y}年{org}部门决算"]) + "\n\n一、部门基本情况\n\n")
    staff = rng.randint(15, 400)
    ev_staff = f"实有人数{w.num(str(staff))}人"
    w.write(f"{org}内设机构{rng.randint(3, 15)}个，编制{staff + rng.randint(0, 20)}人，{ev_staff}。\n\n"
            "二、收入支出决算总体情况说明\n\n")
    w.add(w.ask(["{y}年{who}实有人数是多少", "{who}{y}年实有多少人"]), f"{staff}人", Decimal(staff), "人", ev_staff)
    total = _d(rng.uniform(800, 60000))
    prev = _d(total * Decimal(str(rng.uniform(0.8, 1.15))))
    diff, growth = total - prev, _pct(total - prev, prev)
    word, pct = ("增加", "增长") if diff >= 0 else ("减少", "下降")
    ev_total = f"{y}年度收入总计{total}万元"
    ev_g = f"{pct}{abs(growth)}%"
    w.write(f"{ev_total}，支出总计{total}万元。与{y - 1}年度相比，收、支总计各{word}{abs(diff)}万元，{ev_g}。\n\n"
            "三、收入决算情况说明\n\n")
    w.add(w.ask(["{y}年{who}收入总计是多少", "{who}{y}年度收入总计多少"]), f"{total}万元", total, "万元", ev_total)
    w.add(w.ask(["{y}年{who}收支总计较上年增长了百分之几"]), ev_g, growth, "%", ev_g,
          note="change against last year; negative for a fall")
    income = _d(total * Decimal(str(rng.uniform(0.85, 0.98))))
    grant = _d(income * Decimal(str(rng.uniform(0.8, 0.99))))
    ev_grant = f"财政拨款收入{grant}万元"
    w.write(f"本年收入合计{income}万元，其中：{ev_grant}，占{_pct(grant, income)}%；"
            f"其他收入{income - grant}万元，占{_pct(income - grant, income)}%。\n\n四、支出决算情况说明\n\n")
    w.add(w.ask(["{y}年{who}财政拨款收入是多少", "{who}{y}年财政拨款收入多少"]), f"{grant}万元", grant, "万元", ev_grant)
    spend = _d(income * Decimal(str(rng.uniform(0.9, 1.0))))
    basic = _d(spend * Decimal(str(rng.uniform(0.5, 0.85))))
    project = spend - basic
    ev_spend, ev_basic = f"本年支出合计{spend}万元", f"基本支出{basic}万元"
    ev_project = f"项目支出{project}万元，占{_pct(project, spend)}%"
    w.write(f"{ev_spend}，其中：{ev_basic}，占{_pct(basic, spend)}%；{ev_project}。\n\n")
    w.add(w.ask(["{y}年{who}本年支出合计多少", "{who}{y}年本年支出是多少"]), f"{spend}万元", spend, "万元", ev_spend)
    w.add(w.ask(["{y}年{who}基本支出是多少"]), f"{basic}万元", basic, "万元", ev_basic)
    w.add(w.ask(["{who}{y}年项目支出多少"]), f"{project}万元", project, "万元", ev_project)
    s1, s2 = _d(rng.uniform(3, 80)), _d(rng.uniform(0.5, 20))
    three = s1 + s2
    ev_three, ev_s2 = f"“三公”经费支出{three}万元", f"公务接待费{s2}万元"
    w.write(f"五、“三公”经费支出决算情况说明\n\n{y}年度{ev_three}，完成预算的{_d(rng.uniform(60, 100))}%。"
            f"其中：因公出国（境）费0万元；公务用车购置及运行维护费{s1}万元；{ev_s2}。\n\n")
    w.add(w.ask(["{y}年{who}三公经费支出多少", "{who}{y}年“三公”经费是多少"]), f"{three}万元", three, "万元", ev_three)
    w.add(w.ask(["{y}年{who}公务接待费是多少"]), f"{s2}万元", s2, "万元", ev_s2)
    w.add(w.ask(["{y}年{who}公务接待费占三公经费的比例是多少"]), f"{_pct(s2, three)}%", _pct(s2, three), "%",
          f"{ev_s2}", "computed", note=f"{s2}/{three}")
    buy = _d(rng.uniform(20, 3000))
    ev_buy = f"政府采购支出总额{buy}万元"
    cars = rng.randint(1, 30)
    ev_cars = f"共有车辆{cars}辆"
    w.write(f"六、政府采购支出情况说明\n\n{y}年度{ev_buy}，授予中小企业合同金额{_d(buy * Decimal('0.8'))}万元。\n\n"
            f"七、国有资产占用情况说明\n\n截至{y}年12月31日，{ev_cars}。\n\n")
    w.add(w.ask(["{y}年{who}政府采购支出总额是多少"]), f"{buy}万元", buy, "万元", ev_buy)
    w.add(w.ask(["{who}{y}年底共有多少辆车", "{y}年{who}有几辆车"]), f"{cars}辆", Decimal(cars), "辆", ev_cars)


def _budget_execution(w: _Writer) -> None:
    """预算执行情况报告 of a district or county, given by its finance bureau to the people's congress."""
    rng, y, org = w.rng, w.year, w.org
    region = org.removesuffix("财政局")
    place = short_org(org).removesuffix("财政局")
    area = "全区" if place.endswith("区") else "全县" if place.endswith("县") else "全市"
    w.write(f"关于{region}{y}年预算执行情况和{y + 1}年预算草案的报告\n\n——{y + 1}年1月{rng.randint(5, 28)}日在"
            f"{region}人民代表大会上\n\n{place}财政局局长 张{rng.choice('明华军伟强')}\n\n各位代表：\n\n"
            f"受{place}人民政府委托，现将{org}{y}年预算执行情况报告如下，请予审议。\n\n一、一般公共预算执行情况\n\n")
    income = _d(rng.uniform(50000, 2000000))
    done = _d(rng.uniform(95, 108))
    growth = _d(rng.uniform(-8, 12))
    tax = _d(income * Decimal(str(rng.uniform(0.55, 0.85))))
    non_tax = income - tax
    ev_in = f"{y}年{area}一般公共预算收入{income:,}万元"
    ev_done, ev_tax, ev_non = f"完成年度预算的{done}%", f"税收收入{tax:,}万元", f"非税收入{non_tax:,}万元"
    word = "增长" if growth >= 0 else "下降"
    w.write(f"{ev_in}，{ev_done}，比上年{word}{abs(growth)}%。其中：{ev_tax}，{ev_non}。")
    w.add(w.ask(["{y}年{who}一般公共预算收入是多少", "{who}{y}年一般公共预算收入多少"]), f"{income}万元", income, "万元",
          ev_in)
    w.add(w.ask(["{y}年{who}一般公共预算收入完成年度预算的百分之几"]), f"{done}%", done, "%", ev_done)
    w.add(w.ask(["{y}年{who}税收收入是多少"]), f"{tax}万元", tax, "万元", ev_tax)
    w.add(w.ask(["{who}{y}年非税收入多少"]), f"{non_tax}万元", non_tax, "万元", ev_non)
    w.add(w.ask(["{y}年{who}税收收入占一般公共预算收入的比例是多少"]), f"{_pct(tax, income)}%", _pct(tax, income), "%",
          f"{ev_in}", "computed", note=f"{tax}/{income}")
    spend = _d(income * Decimal(str(rng.uniform(1.1, 1.6))))
    ev_spend = f"一般公共预算支出{spend:,}万元"
    w.write(f"{area}{ev_spend}，完成调整预算的{_d(rng.uniform(90, 100))}%。\n\n二、政府性基金预算执行情况\n\n")
    w.add(w.ask(["{y}年{who}一般公共预算支出是多少"]), f"{spend}万元", spend, "万元", ev_spend)
    fund = _d(rng.uniform(10000, 900000))
    ev_fund = f"政府性基金预算收入{fund:,}万元"
    w.write(f"{area}{ev_fund}，政府性基金预算支出{_d(fund * Decimal('0.93')):,}万元。\n\n三、政府债务情况\n\n")
    w.add(w.ask(["{y}年{who}政府性基金预算收入多少"]), f"{fund}万元", fund, "万元", ev_fund)
    debt = _d(rng.uniform(100000, 3000000))
    ev_debt = f"政府债务余额{debt:,}万元"
    w.write(f"截至{y}年底，{area}{ev_debt}，控制在省核定的限额{_d(debt * Decimal('1.1')):,}万元以内。\n\n")
    w.add(w.ask(["{y}年底{who}政府债务余额是多少"]), f"{debt}万元", debt, "万元", ev_debt)
