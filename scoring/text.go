package scoring

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// containsAny reports whether s contains any of the cues. ASCII cues match
// case-insensitively and only at the start of a word, so "CTO" is a title
// but "Director" does not contain one.
func containsAny(s string, cues []string) bool {
	lower := strings.ToLower(s)
	for _, c := range cues {
		if isASCII(c) {
			if hasWordPrefix(lower, strings.ToLower(c)) {
				return true
			}
			continue
		}
		if strings.Contains(s, c) {
			return true
		}
	}
	return false
}

// hasWordPrefix reports whether cue occurs in s where a word starts: not
// right after an ASCII letter or digit.
func hasWordPrefix(s, cue string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], cue)
		if j < 0 {
			return false
		}
		j += i
		if j == 0 || !isWordByte(s[j-1]) {
			return true
		}
		i = j + 1
	}
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

var (
	technicalTitles = []string{
		"CTO", "CIO", "技术", "架构", "工程师", "研发", "开发", "运维", "信息", "数字化",
		"数据", "安全", "测试", "实施", "engineer", "architect", "developer", "devops", "tech",
	}
	procurementTitles = []string{
		"采购", "财务", "CFO", "商务", "供应链", "法务", "合同", "结算",
		"purchas", "procure", "financ", "buyer", "sourcing",
	}
	seniorTitles = []string{
		"总经理", "CEO", "董事", "副总", "总裁", "总监", "CTO", "CIO", "CFO", "COO",
		"负责人", "主任", "部长", "厂长", "院长", "行长", "老板", "合伙人",
		"VP", "head", "director", "chief", "president",
	}
)

// isTechnicalTitle reports whether a title marks a technical contact
// (CTO, 技术总监, IT经理, 架构师 …). "IT" is matched case-sensitively: as a
// lower-case substring it would hit ordinary English words.
func isTechnicalTitle(title string) bool {
	return hasWordPrefix(title, "IT") || containsAny(title, technicalTitles)
}

// isProcurementTitle reports whether a title belongs to procurement,
// finance or contracts.
func isProcurementTitle(title string) bool { return containsAny(title, procurementTitles) }

// isSeniorTitle reports whether a title belongs to someone who decides.
func isSeniorTitle(title string) bool { return containsAny(title, seniorTitles) }

var (
	technicalTopic = []string{
		"技术", "测试", "方案", "架构", "接口", "API", "部署", "集成", "对接", "POC", "演示",
		"安全", "性能", "文档", "系统", "数据", "迁移", "试用", "实施", "环境", "版本", "上线",
		"压测", "脱敏", "模块", "开发", "修复", "故障", "bug",
	}
	commercialTopic = []string{
		"报价", "价格", "合同", "折扣", "付款", "账期", "预算", "采购", "发票", "费用", "成本",
		"商务", "续约", "签约", "优惠", "降价", "订单", "招标", "投标", "审批", "ROI", "尾款",
		"首付", "回款", "打款", "条款",
	}
	technicalSubtypes  = map[string]bool{"technical": true, "fix": true, "integration": true, "quality": true}
	commercialSubtypes = map[string]bool{"price": true, "terms": true, "payment": true, "cost": true, "approval": true, "authority": true}
)

// topicOf tells which dimension an item is about: from its subtype when
// that is decisive, else from whichever cue appears first in the text.
// It returns "" when the text is about neither.
func topicOf(subtype, text string) Dimension {
	switch {
	case technicalSubtypes[subtype]:
		return Technical
	case commercialSubtypes[subtype]:
		return Commercial
	}
	t, c := firstIndex(text, technicalTopic), firstIndex(text, commercialTopic)
	switch {
	case t < 0 && c < 0:
		return ""
	case c < 0 || (t >= 0 && t < c):
		return Technical
	default:
		return Commercial
	}
}

// firstIndex returns the earliest byte offset of any cue in s, or -1.
func firstIndex(s string, cues []string) int {
	lower := strings.ToLower(s)
	best := -1
	for _, c := range cues {
		i := strings.Index(lower, strings.ToLower(c))
		if i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

var (
	paymentCues = []string{
		"账期", "付款", "支付方式", "折扣", "价格", "报价", "降价", "优惠", "便宜", "预算",
		"费用", "分期", "尾款", "首付", "预付", "多少钱", "单价", "结算", "回款",
	}
	competitorCues = []string{
		"竞品", "竞争对手", "友商", "别家", "其他家", "另一家", "其他厂商", "其他供应商",
		"也在谈", "也在接触", "比价", "对比了",
	}
	coldCues = []string{
		"再说吧", "以后再说", "回头再说", "暂时不考虑", "暂不考虑", "没兴趣", "不感兴趣",
		"不用了", "没时间", "先这样", "别再", "不要再", "失望", "不满意", "算了", "没必要",
		"再议", "不需要了", "太慢了", "一拖再拖", "不太想", "先放一放", "先搁置",
	}
	warmCues = []string{
		"感谢", "谢谢", "辛苦", "期待", "满意", "很好", "太好了", "认可", "靠谱", "专业",
		"很棒", "不错", "支持你们", "合作愉快",
	}
)

// isPaymentQuestion reports whether an item raises price or payment terms.
func isPaymentQuestion(subtype, text string) bool {
	return subtype == "price" || subtype == "terms" || containsAny(text, paymentCues)
}

// mentionsCompetitor reports whether text names a competitor.
func mentionsCompetitor(text string, names []string) bool {
	return containsAny(text, competitorCues) || containsAny(text, names)
}

// tone returns the tone signal of customer text, if it has one. Coldness
// wins: "谢谢，不过暂时不考虑" is a polite brush-off.
func tone(text string) (Signal, bool) {
	switch {
	case containsAny(text, coldCues):
		return SigColdTone, true
	case containsAny(text, warmCues):
		return SigWarmTone, true
	}
	return "", false
}

// stopRunes are function characters; a bigram containing one mostly
// straddles two words ("的测", "前提") and would relate unrelated texts.
var stopRunes = runeSet("的了在和与及将把给前后再也就都还吗呢吧啊请您你我他她是有们这那个一周月日号天已于到要可以之")

func runeSet(s string) map[rune]bool {
	m := map[rune]bool{}
	for _, r := range s {
		m[r] = true
	}
	return m
}

// stopBigrams are generic words that say nothing about what was promised.
var stopBigrams = map[string]bool{
	"提供": true, "提交": true, "发送": true, "发出": true, "发过": true, "完成": true,
	"关于": true, "回复": true, "明天": true, "今天": true, "后天": true, "本周": true,
	"下周": true, "本月": true, "下月": true, "月底": true, "尽快": true, "内部": true,
	"安排": true, "邮件": true, "附件": true, "收到": true, "问题": true, "情况": true,
	"星期": true, "准备": true, "确认": true, "相关": true, "没有": true, "但是": true,
	"进行": true, "可能": true, "需要": true, "项目": true, "公司": true, "客户": true,
	"沟通": true, "跟进": true, "时间": true, "事情": true, "工作": true,
	"数据": true, "系统": true, "平台": true, "产品": true, "服务": true, "业务": true,
	"管理": true, "信息": true, "智能": true, "一定": true, "肯定": true,
	"正式": true, "最新": true, "具体": true, "详细": true, "初步": true, "最终": true,
	"完整": true, "整体": true, "第一": true, "重新": true, "更新": true, "修改": true,
}

// stopWords are Latin tokens of subjects and file names that say nothing
// about content.
var stopWords = map[string]bool{
	"re": true, "fw": true, "fwd": true, "pdf": true, "doc": true, "docx": true,
	"xls": true, "xlsx": true, "ppt": true, "pptx": true, "zip": true, "txt": true,
	"csv": true, "png": true, "jpg": true, "the": true, "and": true, "for": true,
}

// keyTerms returns the content terms of a text: Chinese character bigrams
// (segmentation-free, so it works on file names and subjects as well as
// sentences) and Latin/digit words, lower-cased.
func keyTerms(s string) map[string]bool {
	terms := map[string]bool{}
	runes := []rune(s)
	for i := 0; i+1 < len(runes); i++ {
		a, b := runes[i], runes[i+1]
		if !unicode.Is(unicode.Han, a) || !unicode.Is(unicode.Han, b) || stopRunes[a] || stopRunes[b] {
			continue
		}
		bg := string([]rune{a, b})
		if !stopBigrams[bg] {
			terms[bg] = true
		}
	}
	var word []rune
	flush := func() {
		if len(word) >= 2 {
			w := strings.ToLower(string(word))
			if !stopWords[w] && !allDigits(w) {
				terms[w] = true
			}
		}
		word = word[:0]
	}
	for _, r := range runes {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			word = append(word, r)
			continue
		}
		flush()
	}
	flush()
	return terms
}

func allDigits(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// clip shortens s to at most n runes, marking the cut with an ellipsis.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
