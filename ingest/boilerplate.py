"""Web-page debris around published report texts: navigation, page metadata, share/print bars, document-site chrome.

Public report texts are often saved from the page that shows them, so they start (and sometimes end) with the
site's chrome: "今天是:", breadcrumbs ("您当前所在位置: 首页 > 政务公开 > …"), a metadata block (索引号, 发布机构,
发布时间, 浏览次数 …), a print/share bar ("放大字体 | 缩小字体 | 打印"), or a document-sharing site's upload
details ("上传人: … 页数:7", "xxx.docx_第1页"). ``strip`` removes such lines before anything reads the text;
``page_fields`` reads the publisher, title and date they carried, for the metadata detector.

Only whole lines go, and only lines that are chrome by their own shape (a nav word list, two page-metadata labels,
a strong label with a short value). Weaker signs (one label such as 来源 or 名称, a one-letter icon line, a
channel name such as "财务公开") count only in the page header, the lines before the first sentence or heading.
A title field whose title is written nowhere else in the text is kept as a bare title line, and a 发布机构 field
(who issued the report) is kept from its metadata row.
"""

from __future__ import annotations

import re

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# traditional -> simplified for the characters of organisation names, page labels and report words (one to one,
# so offsets stay); mirrors convert pages to traditional characters and people ask in simplified ones
TRAD = (
    "區縣廳財務資發開衛會員辦處協聯環農業機關國險廣東門總體設館醫藥學鎮鄉團黨書長華應療圖檢審計監場勞動貿經濟龍島灣陽溝臺與為於預決執報績說們個這對來時號項規劃題據數質術紀錄類級統稅費補"
    "貼專軍兩車運輸鐵電廠礦產價權職責組織訊網絡傳實現點製濱漢滬閩贛遼嶺粵瓊蘇齊爾慶陝寧豐潁莊壩橋園倉鄭陳劉張楊趙黃吳馬羅蕭葉許鄧謝韓馮盧蔣賈魯錢顧孫單稱構鍵詞載瀏覽擊讀閉佈態遊檔婦殘僑"
    "紅氣糧儲標準驗營銀證郵邊藝視雜誌編幹養兒殯儀獄災護綠漁獸種鹽線閘庫測繪節歷臨遠際樂興寶雲嶼鳳鶴滄蘭烏錫隴瀘廈順禪陸懷綏撫達貴範進問間閱聞認識評議論調談請諮詢課試練訓獎懲罰沒屬歸當餘"
    "結轉還債撥將並過後從變較減億萬歲屆選舉畫圓滿額確無則條細簡圍內頭邁壇鳥雙嘆創幣匯續狀況廢擴築蓋齡鄰覺觀親離雞麗壽鐘錦鋼銷鎖鏈驛騰髮鬥鬧魚鮮鳴麥齒龜響頁頂須領頻顏願顯風飛飯飲飾駐騎幫"
    "徑復徵慮憂懸戰戶擔攝敗敵斷晉極樣歐殺淨淚淺湯溫滅滯潔潛澤濕煙煉熱爭牆獨獲瑪畢畝異疊瘋癥盜盡盤睜矯礎禮禍穩窮竇競筆簽約紙終給絲綜維綱緊緣緩縮縱繳罷義習聖聲聽肅腦膽臉舊艙艱蒼蔔薦薩藍虛"
    "蟲蠶裝裡複褲襲見訂記訪詩話該詳語誤諸諾謀講譜讓讚貝負貢貨販貧貸賓賞賠賣購賽贈贊趕躍軌軟輔輕輛輝轄適遺釋針鈔鋁鋪錯鍋鏡鑒閃閒閣闊闡陣陰隊階隨隱雖難靈韻頒頓飄驅驕驚鬱鴻鵬"
)
SIMP = (
    "区县厅财务资发开卫会员办处协联环农业机关国险广东门总体设馆医药学镇乡团党书长华应疗图检审计监场劳动贸经济龙岛湾阳沟台与为于预决执报绩说们个这对来时号项规划题据数质术纪录类级统税费补"
    "贴专军两车运输铁电厂矿产价权职责组织讯网络传实现点制滨汉沪闽赣辽岭粤琼苏齐尔庆陕宁丰颍庄坝桥园仓郑陈刘张杨赵黄吴马罗萧叶许邓谢韩冯卢蒋贾鲁钱顾孙单称构键词载浏览击读闭布态游档妇残侨"
    "红气粮储标准验营银证邮边艺视杂志编干养儿殡仪狱灾护绿渔兽种盐线闸库测绘节历临远际乐兴宝云屿凤鹤沧兰乌锡陇泸厦顺禅陆怀绥抚达贵范进问间阅闻认识评议论调谈请咨询课试练训奖惩罚没属归当余"
    "结转还债拨将并过后从变较减亿万岁届选举画圆满额确无则条细简围内头迈坛鸟双叹创币汇续状况废扩筑盖龄邻觉观亲离鸡丽寿钟锦钢销锁链驿腾发斗闹鱼鲜鸣麦齿龟响页顶须领频颜愿显风飞饭饮饰驻骑帮"
    "径复征虑忧悬战户担摄败敌断晋极样欧杀净泪浅汤温灭滞洁潜泽湿烟炼热争墙独获玛毕亩异叠疯症盗尽盘睁矫础礼祸稳穷窦竞笔签约纸终给丝综维纲紧缘缓缩纵缴罢义习圣声听肃脑胆脸旧舱艰苍卜荐萨蓝虚"
    "虫蚕装里复裤袭见订记访诗话该详语误诸诺谋讲谱让赞贝负贡货贩贫贷宾赏赔卖购赛赠赞赶跃轨软辅轻辆辉辖适遗释针钞铝铺错锅镜鉴闪闲阁阔阐阵阴队阶随隐虽难灵韵颁顿飘驱骄惊郁鸿鹏"
)
T2S = str.maketrans(TRAD, SIMP)

NAV_WORDS = frozenset(
    "关闭 打印 打印本页 关闭窗口 关闭本页 收藏 点击收藏 已收藏 点击取消收藏 加入收藏 分享 分享到 放大字体 缩小字体 字体 字号 字体大小"
    " 默认 返回顶部 返回 返回首页 热门搜索 搜索 今天是 选择语言 简体 繁体 简体版 繁体版 无障碍 无障碍浏览 登录 注册 网站地图 首页"
    " 下载 相关 举报 资源描述 扫一扫 手机版 用手机扫描二维码 微信 微博 纠错 我要纠错 上一篇 下一篇 大 中 小 【 】".split())
STRONG = ("信息索引号", "索引号", "发布时间", "发布日期", "发文日期", "生成日期", "成文日期", "公开日期", "发布机构", "发布者",
          "信息来源", "公开方式", "公开范围", "公开时限", "主题分类", "组配分类", "体裁分类", "服务对象分类", "生效日期", "废止日期",
          "在线链接地址", "文件下载", "内容概览", "浏览次数", "阅读次数", "访问次数", "点击率", "点击数", "点击量", "浏览量", "阅读量",
          "上传人", "上传时间", "文档编号", "所属机构", "所属主题")
WEAK = ("来源", "作者", "时间", "名称", "信息名称", "标题", "分类", "时效", "文号", "备注/文号", "关键词", "关键字", "有效性",
        "格式", "页数", "大小", "字体", "字号", "浏览", "阅读", "点击")
PUBLISHER_LABELS = ("发布机构", "所属机构", "信息来源", "来源")
DATE_LABELS = ("发布时间", "发布日期", "发文日期", "生成日期", "成文日期", "公开日期", "时间")


def _label_re(labels: tuple[str, ...]) -> re.Pattern[str]:
    alts = sorted(labels, key=len, reverse=True)
    body = "|".join(r"\s*".join(map(re.escape, lab)) for lab in alts)
    return re.compile(rf"(?<![{CJK}/])({body})\s*(?=[:：|｜\]】]|\s|$)")


LABEL = _label_re(STRONG + WEAK)
STRONG_SET = frozenset(STRONG)
SHARE_SITE = re.compile(r"\.(?:docx?|pdf|wps|xlsx?|pptx?)_第\d+页$|文档总共\d+页|由会员分享|^资源描述$", re.IGNORECASE)
CRUMB = re.compile(r"^(?:您?当前(?:所在)?位置|您(?:现在)?的位置|所在位置)\s*[:：]|首页\s*(?:>|&gt;|»|›|→)|^欢迎(?:来到|访问|光临)")
SITE_NAME = re.compile(rf"^[{CJK}]{{2,24}}(?:网站|门户|政府网|官网|信息网|公众号)$")
CHANNEL = re.compile(rf"^[{CJK}]{{2,4}}(?:公开|动态|公告|新闻|要闻|专栏|专题|报告|信息|资讯)$")
ORGISH = re.compile(r"[局厅委办院处部署所站队馆府会]|绩效|决算|预算|自评|评价")  # an office or a report, no channel
BODY_START = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+部分)")
DATE = re.compile(r"^[\[【(（]?\s*(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*[\]】)）]?")


def key(line: str) -> str:
    """A line as the rules read it: simplified characters, full-width colons and bars as ASCII, ends trimmed."""
    return line.translate(T2S).replace("：", ":").replace("｜", "|").strip(" \t|")


def strip(lines: list[str]) -> list[str]:
    """The lines without web chrome; a title field whose title appears nowhere else becomes the bare title."""
    keys = [key(ln) for ln in lines]
    body = next((i for i, k in enumerate(keys) if _starts_body(k)), len(lines))
    compact = re.sub(r"\s+", "", "".join(keys))
    out: list[str] = []
    for i, (line, k) in enumerate(zip(lines, keys, strict=True)):
        if not k:
            out.append(line)
            continue
        title = _title_field(k) if i < body and "\t" not in k else None  # a tab row is a table's
        if title is not None:
            plain = re.sub(r"\s+", "", title)
            if plain and compact.count(plain) == 1:
                out.append(_original(line, title))
            continue
        if not _chrome(k, header=i < body):
            out.append(line)
        elif kept := _issuer(line):
            out.append(kept)
    return out


def _issuer(line: str) -> str:
    """The 发布机构 field of a metadata row, as written ("| 發布機構 | 宿城區財政局 |"), or "" when it has none.

    Who issued a report is part of what the report says (people ask "发布机构是哪个"), unlike the chrome around it.
    """
    mapped = line.translate(T2S).replace("：", ":").replace("｜", "|")
    found = list(LABEL.finditer(mapped))
    for j, m in enumerate(found):
        if re.sub(r"\s+", "", m.group(1)) == "发布机构":
            end = found[j + 1].start() if j + 1 < len(found) else len(line)
            part = line[m.start():end].rstrip()
            if re.sub(r"[\s:：|｜]", "", part[len(m.group(1)):]):
                lead = line[:m.start()]
                return (lead if not lead.strip(" |\t") else "") + part
    return ""


def _original(line: str, part: str) -> str:
    """``part`` of ``key(line)`` as the line writes it (``key`` maps characters one to one and trims the ends)."""
    mapped = line.translate(T2S).replace("：", ":").replace("｜", "|")
    i = mapped.find(part)
    return line[i:i + len(part)] if i >= 0 else part


def _starts_body(k: str) -> bool:
    """A sentence, a heading, or a table row without page labels: the report has begun."""
    table_row = ("\t" in k or k.count("|") >= 2) and not LABEL.search(k) and len(_cells(k)) >= 2
    return bool(re.search(r"[。；;]", k) or (len(k) > 40 and re.search(r"[，,]", k)) or BODY_START.match(k) or table_row)


def _cells(k: str) -> list[str]:
    return [c for c in re.split(r"[\s|:]+", k) if c]


def _labels(k: str) -> list[str]:
    return [re.sub(r"\s+", "", m.group(1)) for m in LABEL.finditer(k)]


def _chrome(k: str, *, header: bool) -> bool:
    """Whether a (keyed) line is page chrome; ``header``: it stands before the first sentence or heading."""
    if SHARE_SITE.search(k) or CRUMB.search(k) or _nav_line(k):
        return True
    if "。" in k or len(k) > 160:
        return False
    labels = _labels(k)
    strong = [lab for lab in labels if lab in STRONG_SET]
    if strong and (len(labels) >= 2 or _short_value(k)):
        return True
    if header:
        if len(labels) >= 2 and len(_cells(LABEL.sub(" ", k))) <= 1:  # "文号: 关键词: 决算草案", not "序号|名称|分类|金额"
            return True
        if labels and "\t" not in k and k.startswith(labels[0][:1]) and _short_value(k):
            return True
        if re.fullmatch(r"[A-Za-z×√]", k) or k.startswith(">") or SITE_NAME.match(k):
            return True
        if CHANNEL.match(k) and not ORGISH.search(k):
            return True
    return False


def _nav_line(k: str) -> bool:
    """A print/share/font bar: every word is a navigation word, one of them longer than a character."""
    words = [w for w in re.split(r"[\s|:,，、\[\]【】()（）]+", k) if w]
    return bool(words) and all(w in NAV_WORDS for w in words) and any(len(w) > 1 for w in words)


def _short_value(k: str) -> bool:
    """One label at the start of the line and a short value after it (a date, a number, a name)."""
    m = LABEL.match(k)
    if not m:
        return False
    rest = k[m.end():].lstrip(" :|\t]】")
    return len(rest) <= 40 and not re.search(r"[，,。；;]", rest)


def _title_field(k: str) -> str | None:
    """The value of a 名称 / 信息名称 / 标题 line ("" when empty), or None when the line is no such field."""
    m = re.match(r"^(信息名称|名称|标题)\s*[:|\t ]\s*(.*)$", k)
    if not m or LABEL.search(m.group(2)):
        return None
    return m.group(2).strip(" |\t")


def page_fields(text: str, *, max_lines: int = 60) -> dict[str, str]:
    """What the page header says about the report: ``publisher`` (发布机构 / 来源), ``title`` (信息名称 / 名称 /
    标题) and ``published`` (发布时间 / 发布日期 …), each only when present, simplified characters.

    Args:
        text: the raw page text (before cleaning, which removes these lines).
        max_lines: how many lines from the top to read.
    """
    fields: dict[str, str] = {}
    for line in text.replace("\r", "\n").split("\n")[:max_lines]:
        k = key(line)
        if not k or "。" in k:
            continue
        title = _title_field(k)
        if title:
            fields.setdefault("title", title)
            continue
        labels = list(LABEL.finditer(k))
        for j, m in enumerate(labels):
            end = labels[j + 1].start() if j + 1 < len(labels) else len(k)
            value = k[m.end():end].strip(" :|\t]】[【-")
            name = re.sub(r"\s+", "", m.group(1))
            if not value:
                continue
            if name in PUBLISHER_LABELS and "publisher" not in fields:
                fields["publisher"] = value.split()[0]
            elif name in DATE_LABELS and DATE.match(value):
                fields.setdefault("published", DATE.match(value).group().strip("[]【】()（） "))  # type: ignore[union-attr]
    return fields
