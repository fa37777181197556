package due

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Pattern shorthands: {N} a small number in Arabic or Chinese digits, {W} a
// Chinese weekday digit.
var shorthand = strings.NewReplacer(
	"{N}", `(?:[0-9０-９]{1,3}|[〇零一二两三四五六七八九十]{1,4})`,
	"{W}", `[一二三四五六日天]`,
)

// rule is one family of date expressions.
type rule struct {
	re   *regexp.Regexp
	kind kind
	// triggers are strings one of which the text must contain (ASCII
	// compared case-insensitively) for the rule to be worth running: most
	// sentences carry no date, and a substring search is far cheaper than
	// a regular expression.
	triggers []string
	resolve  func(c *scan, g groups) (outcome, bool)
}

// kind says which words around an expression belong to it.
type kind int

const (
	// plain expressions stand alone.
	plain kind = iota
	// dayLike expressions name a day, so a time of day (下午3点) and
	// deadline words (前, 之前) may follow them.
	dayLike
	// suffixOnly expressions take deadline words after them but no time of
	// day.
	suffixOnly
)

// worth reports whether the text, and its ASCII-lowered form, contain one
// of the rule's triggers.
func (r *rule) worth(text, lower string) bool {
	for _, t := range r.triggers {
		if strings.Contains(text, t) || strings.Contains(lower, t) {
			return true
		}
	}
	return false
}

// groups gives a rule's resolver its match.
type groups struct {
	text string
	idx  []int
	r    *rule
}

// get returns the named group, "" when it did not take part.
func (g groups) get(name string) string {
	i := g.r.re.SubexpIndex(name)
	if i < 0 || g.idx[2*i] < 0 {
		return ""
	}
	return g.text[g.idx[2*i]:g.idx[2*i+1]]
}

// before returns the rune in front of the match, 0 at the start.
func (g groups) before() rune {
	if g.idx[0] == 0 {
		return 0
	}
	r, _ := utf8.DecodeLastRuneInString(g.text[:g.idx[0]])
	return r
}

// after returns the rune after the match, 0 at the end.
func (g groups) after() rune {
	if g.idx[1] >= len(g.text) {
		return 0
	}
	r, _ := utf8.DecodeRuneInString(g.text[g.idx[1]:])
	return r
}

// afterString returns the text after the match.
func (g groups) afterString() string { return g.text[g.idx[1]:] }

func newRule(pattern string, k kind, triggers string, f func(*scan, groups) (outcome, bool)) *rule {
	return &rule{
		re:       regexp.MustCompile(shorthand.Replace(pattern)),
		kind:     k,
		triggers: strings.Split(triggers, "|"),
		resolve:  f,
	}
}

// Resolver results: a plain date, a date that is a limit, no match, and
// veto, which claims the span of an expression that names no real day so
// that no shorter expression inside it is read instead.
func at(t time.Time) (outcome, bool)    { return outcome{date: t}, true }
func limit(t time.Time) (outcome, bool) { return outcome{date: t, deadline: true}, true }
func none() (outcome, bool)             { return outcome{}, false }
func veto() (outcome, bool)             { return outcome{veto: true}, true }

// outcomeIf turns a (date, found) pair into a resolver result.
func outcomeIf(t time.Time, ok bool) (outcome, bool) {
	if !ok {
		return none()
	}
	return at(t)
}

// in reports whether r is one of the runes of set; the 0 of "no rune" is
// in no set.
func in(r rune, set string) bool { return r != 0 && strings.ContainsRune(set, r) }

// isNumeral reports runes that make a following word part of a count.
func isNumeral(r rune) bool {
	return isArabic(r) || in(r, "〇零一二两三四五六七八九十百千万几多半")
}

func isASCIILetterOrDigit(r rune) bool {
	return r < utf8.RuneSelf && isASCIIWord(byte(r)) && r != '_'
}

// number reads a small count or ordinal in Arabic or Chinese digits. Two
// neighbouring Chinese digits are an approximate count, not a digit string
// (三四天 is three or four days, not 34), and count as the upper bound.
func number(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if rs := []rune(s); len(rs) == 2 && !isArabic(rs[0]) && !isArabic(rs[1]) {
		a, okA := digitValue(rs[0])
		b, okB := digitValue(rs[1])
		if okA && okB && a > 0 && (b == a+1 || a == 3 && b == 5) {
			return b, true
		}
	}
	n, err := ParseChineseNumber(s)
	return n, err == nil
}

// englishNumbers are the number words of "in two weeks".
var englishNumbers = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}

// englishNumber reads digits or a number word.
func englishNumber(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	n, ok := englishNumbers[strings.ToLower(s)]
	return n, ok
}

// weekdayNum maps 一…日 to 0…6 from Monday.
func weekdayNum(s string) int {
	return strings.Index("一二三四五六日", s) / len("一")
}

// englishWeekdays maps the first three letters of a weekday to 0…6 from
// Monday.
var englishWeekdays = map[string]int{
	"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
}

// englishMonths maps the first three letters of a month to it.
var englishMonths = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

// periodOffset reads the qualifier of 下周三, 上个星期五, 这礼拜天, 下个季度
// as a count of weeks or quarters from the current one.
func periodOffset(q string) int {
	q = strings.TrimSuffix(q, "个")
	switch q {
	case "下下":
		return 2
	case "下":
		return 1
	case "上":
		return -1
	case "上上":
		return -2
	}
	return 0
}

// monthOffset reads the month qualifier of 下个月, 本月, 上月.
func monthOffset(q string) int {
	q = strings.TrimSuffix(strings.TrimSuffix(q, "月"), "个")
	switch q {
	case "下下":
		return 2
	case "下":
		return 1
	case "上":
		return -1
	}
	return 0
}

// yearOffset reads 今年, 明年, 去年, 后年, 前年.
func yearOffset(q string) int {
	switch q {
	case "明年":
		return 1
	case "后年":
		return 2
	case "去年":
		return -1
	case "前年":
		return -2
	}
	return 0
}

// nearest picks, among the years around today's, the one whose date (as f
// builds it) lies closest to today, the later on a tie. A month and day
// without a year (3月15日) means the nearest such day: said in December,
// 1月5日 is next January; said on 3月12日, 3月10日 is two days ago.
func nearest(c *scan, f func(y int) (time.Time, bool)) (time.Time, bool) {
	var best time.Time
	bestDist, found := 0, false
	for dy := -4; dy <= 4; dy++ {
		t, ok := f(c.today.Year() + dy)
		if !ok {
			continue
		}
		dist := daysBetween(c.today, t)
		if dist < 0 {
			dist = -dist
		}
		if !found || dist < bestDist || dist == bestDist && t.After(best) {
			best, bestDist, found = t, dist, true
		}
	}
	return best, found
}

// monthPart resolves a part of month m in year y: 底 its last day, 初 its
// first, 中 the 15th (月中), and the ten-day spans 上旬, 中旬, 下旬 their
// last days (10th, 20th, month end), since a span is due by its end. 前
// is the day before the month, 内 its last day.
func monthPart(y int, m time.Month, part string) (time.Time, bool) {
	switch part {
	case "底", "末", "下旬", "内", "之内", "以内":
		return lastOfMonth(y, m), true
	case "初":
		return civil(y, m, 1), true
	case "中":
		return civil(y, m, 15), true
	case "上旬":
		return civil(y, m, 10), true
	case "中旬":
		return civil(y, m, 20), true
	case "前", "之前", "以前":
		return civil(y, m, 0), true
	}
	return time.Time{}, false
}

// isLimitPart reports the parts of a period that make it a deadline:
// 3月内, Q4前.
func isLimitPart(part string) bool {
	switch part {
	case "内", "之内", "以内", "前", "之前", "以前", "结束前":
		return true
	}
	return false
}

// dayOfMonthFrom returns the first day numbered d in month m of year y or a
// later month, skipping months too short to have it.
func dayOfMonthFrom(y int, m time.Month, d int) (time.Time, bool) {
	for i := range 13 {
		t := civil(y, m+time.Month(i), 1)
		if validDay(t.Year(), t.Month(), d) {
			return civil(t.Year(), t.Month(), d), true
		}
	}
	return time.Time{}, false
}

// Runes that, in front of a weekday or month word, make it part of
// something else: 一周一次, 一个星期一次, 第三周, 腊月底, 岁月中. (每周五 is
// caught for every rule at once: see recurring.)
const (
	countRunes    = "0123456789０１２３４５６７８９〇零一二两三四五六七八九十百几多半个第"
	notMonthRunes = countRunes + "每腊正岁蜜满日本"
)

// Runes after "十五号" that make it a building, line or seat number.
const notDayAfter = "楼线门位房室机车口厅馆院库柜桌床令码店仓厂站台窗包箱球字元"

// Runes after a bare number that make it a count, not a day: 3月12个项目.
const countAfter = "0123456789个万千百亿元块%％人家次台套件份单笔条张天倍分秒点位项年号日"

// dayOffsets are the days from today of the relative day words.
var dayOffsets = map[string]int{
	"大大后天": 4, "大后天": 3, "后天": 2, "今明两天": 1, "这两天": 2, "这一两天": 2, "过两天": 2,
	"明天": 1, "明日": 1, "明晚": 1, "明早": 1, "明儿": 1,
	"昨天": -1, "昨日": -1, "昨晚": -1, "前天": -2, "大前天": -3,
}

// shortWait reports whether a span of minutes or a few hours said alone
// is a promise to act within it: 半小时回, 我一小时到, 远程看下十分钟. The
// same span before anything else measures an activity (半小时线上交流,
// 一个小时左右的交流), and long spans describe service (24小时在线).
func shortWait(n, unit, rest string) bool {
	switch strings.TrimPrefix(unit, "个") {
	case "分钟":
	case "小时":
		if h, ok := number(n); n != "半" && (!ok || h > 12) {
			return false
		}
	default:
		return false
	}
	return actNow.MatchString(rest)
}

// actNow follows a short span of time that is a promise: the span ends the
// text, or a verb of delivery comes next.
var actNow = regexp.MustCompile(`^\s*(?:$|[。！？，,.!?]|回|到|发|给|搞定|完成|处理|恢复|解决|修好|弄好|答复|反馈)`)

// anchoredToEvent reports whether text ends in an event that a following
// span of time is counted from, within a few runes of the same clause:
// 上线后, 收到您的回复后我们, 自签约之日起. Words that merely start with 后
// or end with 起 (后台, 后续, 一起) are no such event.
func anchoredToEvent(text string) bool {
	var next rune
	for n := 0; n < 10 && text != ""; n++ {
		r, size := utf8.DecodeLastRuneInString(text)
		text = text[:len(text)-size]
		prev, _ := utf8.DecodeLastRuneInString(text)
		switch {
		case in(r, "。！？；!?;\n"):
			return false
		case r == '后' && !in(next, "台续面期端边来门勤果者悔方缀天"):
			return true
		case r == '起' && !in(prev, "一发提看想说不对引兴崛") && !in(next, "来码草"):
			return true
		}
		next = r
	}
	return false
}

var rules = []*rule{
	// 2026年3月15日, 二〇二六年三月十五号, 26年3月15日, 2026年3月底.
	newRule(`(?P<y>[0-9０-９]{4}|[〇零一二三四五六七八九]{4}|[0-9]{2})\s*年\s*(?P<m>{N})\s*月份?\s*(?:(?P<d>{N})\s*(?P<ds>日|号)?|(?P<part>底|末|初|上旬|中旬|下旬|中|之内|以内|内))?`, dayLike, "年",
		func(c *scan, g groups) (outcome, bool) {
			if isNumeral(g.before()) {
				return none()
			}
			y, ok := number(g.get("y"))
			if !ok {
				return none()
			}
			if y < 100 {
				y += 2000
			}
			m, ok := number(g.get("m"))
			if !ok || m < 1 || m > 12 {
				return none()
			}
			if part := g.get("part"); part != "" {
				t, _ := monthPart(y, time.Month(m), part)
				return outcome{date: t, deadline: isLimitPart(part)}, true
			}
			if g.get("d") == "" {
				return none() // a month is no day
			}
			d, ok := number(g.get("d"))
			if !ok || g.get("ds") == "" && in(g.after(), countAfter) {
				return none()
			}
			if !validDay(y, time.Month(m), d) {
				return veto() // 2026年2月29日 is no day, nor is 2月29日 in it
			}
			return at(civil(y, time.Month(m), d))
		}),
	// 2026年底, 2027年初, 2026年内.
	newRule(`(?P<y>[0-9]{4}|[〇零一二三四五六七八九]{4})\s*年\s*年?(?P<part>底|末|初|之内|以内|内)`, suffixOnly, "年",
		func(c *scan, g groups) (outcome, bool) {
			y, ok := number(g.get("y"))
			if !ok || isNumeral(g.before()) {
				return none()
			}
			if g.get("part") == "初" {
				return at(civil(y, time.January, 1))
			}
			return outcome{date: civil(y, time.December, 31), deadline: isLimitPart(g.get("part"))}, true
		}),
	// 2026-03-15, 2026/3/15, 2026.3.15.
	newRule(`(?P<y>[0-9]{4})[-/.](?P<m>[0-9]{1,2})[-/.](?P<d>[0-9]{1,2})`, dayLike, "-|/|.",
		func(c *scan, g groups) (outcome, bool) {
			if isArabic(g.before()) || isArabic(g.after()) {
				return none()
			}
			y, _ := strconv.Atoi(g.get("y"))
			m, _ := strconv.Atoi(g.get("m"))
			d, _ := strconv.Atoi(g.get("d"))
			if !validDay(y, time.Month(m), d) {
				return veto()
			}
			return at(civil(y, time.Month(m), d))
		}),
	// 3.15, 3/15, 12.01号: month and day without a year. Decimals and
	// fractions look the same, so the day needs two digits or a date word
	// after it, and no unit may follow.
	newRule(`(?P<m>[0-9]{1,2})[./](?P<d>[0-9]{1,2})(?P<ds>号|日)?`, dayLike, ".|/",
		func(c *scan, g groups) (outcome, bool) {
			b, a := g.before(), g.after()
			if isASCIILetterOrDigit(b) || in(b, ".．/$¥￥价约第版") || isASCIILetterOrDigit(a) || in(a, "./%％万亿千百元块倍分") {
				return none()
			}
			rest := g.afterString()
			if len(g.get("d")) < 2 && g.get("ds") == "" && !strings.HasPrefix(rest, "前") && !strings.HasPrefix(rest, "之前") && !strings.HasPrefix(rest, "以前") && !strings.HasPrefix(rest, "截止") {
				return none()
			}
			m, _ := strconv.Atoi(g.get("m"))
			d, _ := strconv.Atoi(g.get("d"))
			return outcomeIf(nearest(c, func(y int) (time.Time, bool) {
				return civil(y, time.Month(m), d), validDay(y, time.Month(m), d)
			}))
		}),
	// 3月15号, 三月十五日, 明年3月15日, 3月底, 十二月中旬, 3月前.
	newRule(`(?P<yq>今年|明年|去年|后年|前年)?\s*(?P<m>{N})\s*月份?\s*(?:(?P<d>{N})\s*(?P<ds>日|号)?|(?P<part>底|末|初|上旬|中旬|下旬|中|之内|以内|内|之前|以前|前))`, dayLike, "月",
		func(c *scan, g groups) (outcome, bool) {
			if g.get("yq") == "" && (isNumeral(g.before()) || in(g.before(), "年个")) {
				return none()
			}
			m, ok := number(g.get("m"))
			if !ok || m < 1 || m > 12 {
				return none()
			}
			month := time.Month(m)
			build := func(y int) (time.Time, bool) { return monthPart(y, month, g.get("part")) }
			deadline := isLimitPart(g.get("part"))
			if g.get("part") == "" {
				d, ok := number(g.get("d"))
				if !ok || g.get("ds") == "" && in(g.after(), countAfter) {
					return none()
				}
				build = func(y int) (time.Time, bool) { return civil(y, month, d), validDay(y, month, d) }
			}
			var t time.Time
			if q := g.get("yq"); q != "" {
				t, ok = build(c.today.Year() + yearOffset(q))
			} else {
				t, ok = nearest(c, build)
			}
			if !ok {
				return none()
			}
			return outcome{date: t, deadline: deadline}, true
		}),
	// 本月15号, 下个月3号, 下月20日.
	newRule(`(?P<mq>本月|这个月|这月|下下个月|下个月|下月|上个月|上月)\s*(?P<d>{N})\s*(?P<ds>号|日)?`, dayLike, "月",
		func(c *scan, g groups) (outcome, bool) {
			d, ok := number(g.get("d"))
			if !ok || g.get("ds") == "" && in(g.after(), countAfter) {
				return none()
			}
			first := civil(c.today.Year(), c.today.Month()+time.Month(monthOffset(g.get("mq"))), 1)
			if !validDay(first.Year(), first.Month(), d) {
				return veto() // 下个月31号 in January is no day, not 下个月
			}
			return at(civil(first.Year(), first.Month(), d))
		}),
	// 十五号, 15号, 15日: this month's, or the next month that has it once
	// the day is past.
	newRule(`(?P<d>{N})\s*(?P<ds>号|日)`, dayLike, "号|日",
		func(c *scan, g groups) (outcome, bool) {
			if isNumeral(g.before()) || in(g.before(), "第编型月年．.") || in(g.after(), notDayAfter) {
				return none()
			}
			ds := g.get("d")
			// 一日, 三日 read as "one day", "three days"; a day of month
			// written with 日 is a number like 15日 or 十五日.
			if g.get("ds") == "日" && !isArabic([]rune(ds)[0]) && !strings.Contains(ds, "十") {
				return none()
			}
			d, ok := number(ds)
			if !ok || d < 1 || d > 31 {
				return none()
			}
			if d >= c.today.Day() && validDay(c.today.Year(), c.today.Month(), d) {
				return at(civil(c.today.Year(), c.today.Month(), d))
			}
			return outcomeIf(dayOfMonthFrom(c.today.Year(), c.today.Month()+1, d))
		}),
	// 今天, 明天, 后天, 大后天, 昨天, 今晚, 明早.
	newRule(`大大后天|大后天|大前天|今明两天|这一?两天|过两天|今天|今日|今晚|今早|今儿|明天|明日|明晚|明早|明儿|后天|昨天|昨日|昨晚|前天`, dayLike, "天|日|晚|早|儿",
		func(c *scan, g groups) (outcome, bool) {
			w := g.text[g.idx[0]:g.idx[1]]
			switch w {
			case "后天":
				// 以后天天加班, 之后天气…
				if in(g.before(), "以之然最今此先落") {
					return none()
				}
			case "前天":
				if in(g.before(), "以之节年周月号日天提目眼当面跟门向从此空") {
					return none()
				}
			}
			off := dayOffsets[w]
			return outcome{date: c.today.AddDate(0, 0, off), deadline: strings.HasSuffix(w, "两天") && w != "过两天"}, true
		}),
	// 上午, 下午三点前, 晚上: a time of day alone is today's.
	newRule(`早上|早晨|上午|中午|下午|傍晚|晚上|夜里|一会儿|一会|待会儿|待会|等会儿|等会|现在就`, dayLike, "早|上午|中午|下午|晚|夜里|会|现在就",
		func(c *scan, g groups) (outcome, bool) {
			if in(g.before(), "天日号末") {
				return none() // 当天下午 is some other day's
			}
			return at(c.today)
		}),
	// 九点前, 11点半, 三点钟: a clock time alone is today's. 三点建议 and
	// 快一点 are not times, so a time word must follow the number.
	newRule(`(?P<h>[0-9]{1,2}|[零一二两三四五六七八九十]{1,3})\s*点(?P<rest>钟|半|整|左右|[0-9]{1,2}\s*分|[零一二三四五六七八九十]{1,3}分)?`, dayLike, "点",
		func(c *scan, g groups) (outcome, bool) {
			if isNumeral(g.before()) || in(g.before(), "第快早晚多少慢有几差") {
				return none()
			}
			rest := g.afterString()
			if g.get("rest") == "" && !strings.HasPrefix(rest, "前") && !strings.HasPrefix(rest, "之前") && !strings.HasPrefix(rest, "以前") {
				return none()
			}
			if h, ok := number(g.get("h")); !ok || h > 24 {
				return none()
			}
			return at(c.today)
		}),
	// 周五, 本周五, 这周五, 下周三, 下星期三, 下礼拜三, 下下周一, 上周三.
	newRule(`(?P<q>下下个?|下个?|上上个?|上个?|本|这个?)?(?:周|星期|礼拜)(?P<w>{W})`, dayLike, "周|星期|礼拜",
		func(c *scan, g groups) (outcome, bool) {
			q := g.get("q")
			if q == "" && in(g.before(), countRunes) {
				return none()
			}
			w := g.get("w")
			if w == "天" {
				w = "日"
			}
			day := mondayOf(c.today).AddDate(0, 0, 7*periodOffset(q)+weekdayNum(w))
			if q == "" && day.Before(c.today) && !strings.ContainsAny(c.text, "已了") {
				// "我周一前发给您" said on a Thursday: a bare weekday
				// already gone by is the coming one, unless the text tells
				// of something done ("周一已经发了").
				day = day.AddDate(0, 0, 7)
			}
			return at(day)
		}),
	// 周末, 这周末, 下周末: the Sunday.
	newRule(`(?P<q>下下个?|下个?|上个?|本|这个?)?周末`, dayLike, "周末",
		func(c *scan, g groups) (outcome, bool) {
			if g.get("q") == "" && in(g.before(), countRunes) {
				return none()
			}
			return at(mondayOf(c.today).AddDate(0, 0, 7*periodOffset(g.get("q"))+6))
		}),
	// 本周内, 下周内, 下下周内: a week "内" is its Sunday. 这周 or 下周 alone
	// ("sometime next week") fixes no day.
	newRule(`(?P<q>下下个?|下个?|上上个?|上个?|本|这个?)(?:周|星期|礼拜)(?P<in>之内|以内|内)?`, suffixOnly, "周|星期|礼拜",
		func(c *scan, g groups) (outcome, bool) {
			off := periodOffset(g.get("q"))
			monday := mondayOf(c.today).AddDate(0, 0, 7*off)
			if g.get("in") != "" {
				return limit(monday.AddDate(0, 0, 6))
			}
			return none()
		}),
	// 月底, 本月底, 这个月底, 下月底, 月初, 下个月初, 月中, 本月内, 下个月
	// (its first day; 本月 alone fixes no day, as 这周 does not).
	newRule(`(?P<q>本|这个?|下下个?|下个?|上个?)?月(?P<part>底|末|初|上旬|中旬|下旬|中|之内|以内|内)|(?P<bare>本月|这个月|下下个月|下个月|下月|上个月|上月)`, suffixOnly, "月",
		func(c *scan, g groups) (outcome, bool) {
			y, m := c.today.Year(), c.today.Month()
			if bare := g.get("bare"); bare != "" {
				off := monthOffset(bare)
				if off == 0 {
					return none()
				}
				return at(civil(y, m+time.Month(off), 1))
			}
			q, part := g.get("q"), g.get("part")
			if q == "" && in(g.before(), notMonthRunes) {
				return none()
			}
			first := civil(y, m+time.Month(monthOffset(q)), 1)
			if q == "" {
				switch part {
				case "初":
					// 月初 said during a month means the next one's start.
					first = first.AddDate(0, 1, 0)
				case "中", "上旬", "中旬":
					if t, _ := monthPart(y, m, part); t.Before(c.today) {
						first = first.AddDate(0, 1, 0)
					}
				}
			}
			t, _ := monthPart(first.Year(), first.Month(), part)
			return outcome{date: t, deadline: isLimitPart(part)}, true
		}),
	// 年底, 年前, 今年年底, 明年初, 年内.
	newRule(`(?:(?P<q>今年|本年|明年|去年|后年)年?|年)(?P<part>底|末|初|之内|以内|内|前)`, suffixOnly, "年",
		func(c *scan, g groups) (outcome, bool) {
			q, part := g.get("q"), g.get("part")
			if q == "" && in(g.before(), countRunes+"去今明本后前新往当成少老早") && !(g.before() == '新' && part == "前") {
				return none()
			}
			y := c.today.Year() + yearOffset(q)
			if part == "初" {
				if q == "" {
					y++
				}
				return at(civil(y, time.January, 1))
			}
			return outcome{date: civil(y, time.December, 31), deadline: isLimitPart(part)}, true
		}),
	// 本季度末, 季末, 下季度 (its first day), 这个季度内. 本季度 alone fixes
	// no day.
	newRule(`(?P<q>本|这个?|当前|下个?|上个?)?(?:季度|季)(?P<part>末|底|初|之内|以内|内|结束前)?`, suffixOnly, "季",
		func(c *scan, g groups) (outcome, bool) {
			q, part := g.get("q"), g.get("part")
			if q == "" && (part == "" || in(g.before(), countRunes+"旺淡雨夏冬春秋换产四")) {
				return none()
			}
			if part == "" && (periodOffset(q) == 0 || !strings.Contains(g.text[g.idx[0]:g.idx[1]], "季度")) {
				return none() // 下季 alone is "next season"
			}
			qn := quarterOf(c.today) + periodOffset(strings.TrimPrefix(q, "当前"))
			y := c.today.Year()
			for qn > 4 {
				qn, y = qn-4, y+1
			}
			for qn < 1 {
				qn, y = qn+4, y-1
			}
			if part == "初" || part == "" && periodOffset(q) != 0 {
				return at(quarterStart(y, qn))
			}
			return outcome{date: quarterEnd(y, qn), deadline: isLimitPart(part)}, true
		}),
	// Q4前, 2026Q4末, 四季度末, 第一季度内: the quarter's end (Q1初 its
	// start). A quarter named alone (二季度启动) fixes no day.
	newRule(`(?:(?P<y>20[0-9]{2})\s*年?\s*)?(?:[Qq](?P<qn>[1-4])|第?(?P<qc>[一二三四1-4])季度)(?P<part>末|底|初|之前|以前|前|之内|以内|内|结束前)?`, suffixOnly, "Q|q|季度",
		func(c *scan, g groups) (outcome, bool) {
			if g.get("part") == "" || isASCIILetterOrDigit(g.before()) {
				return none()
			}
			if g.get("qc") != "" && g.get("y") == "" && in(g.before(), countRunes) {
				return none()
			}
			qs := g.get("qn") + g.get("qc")
			qn, _ := number(qs)
			part := g.get("part")
			build := func(y int) time.Time {
				if part == "初" {
					return quarterStart(y, qn)
				}
				return quarterEnd(y, qn)
			}
			y := c.today.Year()
			if ys := g.get("y"); ys != "" {
				y, _ = strconv.Atoi(ys)
			} else if quarterEnd(y, qn).Before(c.today) {
				// Quarters are planned ahead: Q1 said in November is next
				// year's.
				y++
			}
			return outcome{date: build(y), deadline: isLimitPart(part)}, true
		}),
	// 三天内, 3天内, 三个工作日内, 两周后, 两个星期后, 一周内, 半个月内, 一个月内,
	// 24小时内, 两三天后, 再过三天, 三天前.
	newRule(`(?P<pre>再过|还有)?(?P<n>{N}|半)\s*(?P<unit>个工作日|工作日|个小时|小时|分钟|天|日|个星期|星期|个礼拜|礼拜|周|个月|月|个季度|季度|年)(?P<dir>之内|以内|内|之后|以后|过后|后|之前|以前|前)?`, plain, "天|日|时|钟|周|星期|礼拜|月|季度|年",
		func(c *scan, g groups) (outcome, bool) {
			n, unit, dir := g.get("n"), g.get("unit"), g.get("dir")
			if in(g.before(), "第个几") || isNumeral(g.before()) {
				return none()
			}
			if dir == "" && g.get("pre") == "" && !shortWait(n, g.get("unit"), g.afterString()) {
				return none()
			}
			if g.get("pre") == "" && anchoredToEvent(g.text[:g.idx[0]]) {
				// 签约后十个工作日内, 收到回复后我们两天内: counted from an
				// event the text does not date, not from when it was said.
				return none()
			}
			unit = strings.TrimPrefix(unit, "个")
			half := n == "半"
			count := 0
			if !half {
				var ok bool
				if count, ok = number(n); !ok {
					return none()
				}
			}
			if g.get("unit") == "月" && !half {
				return none() // 3月内 is "within March", 半月内 half a month
			}
			sign := 1
			if strings.HasSuffix(dir, "前") {
				sign = -1
			}
			var t time.Time
			switch unit {
			case "天", "日":
				t = c.today.AddDate(0, 0, sign*count)
			case "工作日":
				if half {
					return none()
				}
				t = addWorkdays(c.today, sign*count)
			case "小时", "分钟":
				u := time.Hour
				if unit == "分钟" {
					u = time.Minute
				}
				d := time.Duration(count) * u
				if half {
					d = u / 2
				}
				t = civil(c.ref.Add(time.Duration(sign) * d).In(c.ref.Location()).Date())
			case "星期", "礼拜", "周":
				days := 7 * count
				if half {
					days = 3
				}
				t = c.today.AddDate(0, 0, sign*days)
			case "月":
				if half {
					t = c.today.AddDate(0, 0, sign*15)
				} else {
					t = addMonths(c.today, sign*count)
				}
			case "季度":
				if half {
					return none()
				}
				t = addMonths(c.today, sign*3*count)
			case "年":
				if half {
					t = addMonths(c.today, sign*6)
				} else {
					t = addMonths(c.today, sign*12*count)
				}
			}
			return outcome{date: t, deadline: isLimitPart(dir) && sign > 0}, true
		}),
	// 春节前, 节后, 国庆后, 五一前, 中秋, 十一假期后.
	newRule(`(?P<h>元旦|春节|过年|大年初一|清明节?|五一劳动节|劳动节|五一|端午节?|中秋节?|国庆节?|十一)(?P<rel>假期前|假期后|长假前|长假后|放假前|收假后|节前|节后|假前|假后|之前|以前|前|之后|以后|后|假期|长假|期间|当天)?|(?P<gen>节前|节后|节假日前|节假日后|假期前|假期后|放假前|收假后|长假前|长假后)|(?P<after>过完年)`, plain, "节|元旦|春|年|清明|五一|劳动|端午|中秋|国庆|十一|假",
		func(c *scan, g groups) (outcome, bool) {
			h, rel := g.get("h"), g.get("rel")
			var f Festival
			switch {
			case g.get("after") != "":
				f, rel = SpringFest, "后"
			case g.get("gen") != "":
				if in(g.before(), "环章细关调季情音礼小枝末名气时使脱贞守骨竹晚春秋度") {
					return none()
				}
				f, rel = anyFestival, g.get("gen")
			default:
				if (h == "五一" || h == "十一") && (rel == "" || isNumeral(g.before()) || in(g.before(), "第")) {
					return none()
				}
				f = festivalOf(h)
			}
			switch {
			case strings.HasSuffix(rel, "前"):
				hol, ok := nextHoliday(f, c.today, true)
				if !ok {
					return none()
				}
				return limit(hol.First.AddDate(0, 0, -1))
			case strings.HasSuffix(rel, "后"):
				hol, ok := nextHoliday(f, c.today, false)
				if !ok {
					return none()
				}
				return at(firstWorkdayAfter(hol.Last))
			}
			hol, ok := nextHoliday(f, c.today, false)
			if !ok {
				return none()
			}
			if rel == "" || rel == "当天" {
				return at(hol.Day)
			}
			return at(hol.First)
		}),

	// English.
	newRule(`(?i)\b(?:today|tonight|this (?:morning|afternoon|evening)|(?P<eod>EOD|COB|end of (?:the )?day|end of business|close of business))\b`, dayLike, "today|tonight|this |eod|cob|end of|close of",
		func(c *scan, g groups) (outcome, bool) {
			return outcome{date: c.today, deadline: g.get("eod") != ""}, true
		}),
	newRule(`(?i)\b(?:(?P<dat>(?:the )?day after tomorrow)|(?P<tom>tomorrow)|(?P<yes>yesterday))\b`, dayLike, "tomorrow|yesterday",
		func(c *scan, g groups) (outcome, bool) {
			switch {
			case g.get("dat") != "":
				return at(c.today.AddDate(0, 0, 2))
			case g.get("tom") != "":
				return at(c.today.AddDate(0, 0, 1))
			}
			return at(c.today.AddDate(0, 0, -1))
		}),
	// next Monday, this Friday, by Fri, Friday. A weekday named alone is the
	// coming one, as English speakers mean it: "by Monday" said on a
	// Friday is three days off.
	newRule(`\b(?:(?i:(?P<q>next|this|coming|last))\s+)?(?P<w>(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri)\b`, dayLike, "mon|tue|wed|thu|fri|sat|sun",
		func(c *scan, g groups) (outcome, bool) {
			wd := englishWeekdays[strings.ToLower(g.get("w"))[:3]]
			monday := mondayOf(c.today)
			switch strings.ToLower(g.get("q")) {
			case "next":
				monday = monday.AddDate(0, 0, 7)
			case "last":
				monday = monday.AddDate(0, 0, -7)
			case "coming":
				if wd <= weekdayIndex(c.today) {
					monday = monday.AddDate(0, 0, 7)
				}
			case "":
				if wd < weekdayIndex(c.today) {
					monday = monday.AddDate(0, 0, 7)
				}
			}
			return at(monday.AddDate(0, 0, wd))
		}),
	// EOW, end of (next) week, next week, this week.
	newRule(`(?i)\b(?:(?P<eow>EOW|end of (?:the |this )?week)|(?P<eonw>end of next week)|(?P<q>next|this)\s+week)\b`, plain, "eow|end of|week",
		func(c *scan, g groups) (outcome, bool) {
			monday := mondayOf(c.today)
			switch {
			case g.get("eow") != "":
				return limit(monday.AddDate(0, 0, 4))
			case g.get("eonw") != "":
				return limit(monday.AddDate(0, 0, 11))
			case strings.EqualFold(g.get("q"), "next"):
				return at(monday.AddDate(0, 0, 7))
			}
			return at(monday.AddDate(0, 0, 6))
		}),
	// EOM, end of (next) month, next month, EOQ, end of quarter, EOY.
	newRule(`(?i)\b(?:(?P<eom>EOM|end of (?:the |this )?month|month[- ]end)|(?P<eonm>end of next month)|(?P<nm>next month)|(?P<eoq>EOQ|end of (?:the |this )?quarter|quarter[- ]end)|(?P<eoy>EOY|end of (?:the |this )?year|year[- ]end))\b`, plain, "eom|eoq|eoy|end|month",
		func(c *scan, g groups) (outcome, bool) {
			y, m := c.today.Year(), c.today.Month()
			switch {
			case g.get("eom") != "":
				return limit(lastOfMonth(y, m))
			case g.get("eonm") != "":
				return limit(lastOfMonth(y, m+1))
			case g.get("nm") != "":
				return at(civil(y, m+1, 1))
			case g.get("eoq") != "":
				return limit(quarterEnd(y, quarterOf(c.today)))
			}
			return limit(civil(y, time.December, 31))
		}),
	// Mar 15, March 15th, 15 March, Mar. 15, 2026.
	newRule(`(?i)\b(?:(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s*(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?|(?P<d2>[0-9]{1,2})(?:st|nd|rd|th)?\s+(?P<mon2>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?)\b(?:,?\s*(?P<y>[0-9]{4})\b)?`, dayLike, "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec",
		func(c *scan, g groups) (outcome, bool) {
			mon, ds := g.get("mon")+g.get("mon2"), g.get("d")+g.get("d2")
			m := englishMonths[strings.ToLower(mon)[:3]]
			d, _ := strconv.Atoi(ds)
			if ys := g.get("y"); ys != "" {
				y, _ := strconv.Atoi(ys)
				if !validDay(y, m, d) {
					return none()
				}
				return at(civil(y, m, d))
			}
			return outcomeIf(nearest(c, func(y int) (time.Time, bool) { return civil(y, m, d), validDay(y, m, d) }))
		}),
	// within 3 days, in two weeks, 3 business days from now, 2 days ago.
	newRule(`(?i)\b(?:(?P<pre>within|in|after)\s+(?P<n>[0-9]{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?P<unit>business days?|working days?|days?|weeks?|months?|hours?)|(?P<n2>[0-9]{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?P<unit2>business days?|working days?|days?|weeks?|months?|hours?)\s+(?P<dir>ago|from now|later))\b`, plain, "day|week|month|hour",
		func(c *scan, g groups) (outcome, bool) {
			n, ok := englishNumber(g.get("n") + g.get("n2"))
			if !ok {
				return none()
			}
			unit := strings.TrimSuffix(strings.ToLower(g.get("unit")+g.get("unit2")), "s")
			sign := 1
			if strings.EqualFold(g.get("dir"), "ago") {
				sign = -1
			}
			var t time.Time
			switch unit {
			case "business day", "working day":
				t = addWorkdays(c.today, sign*n)
			case "day":
				t = c.today.AddDate(0, 0, sign*n)
			case "week":
				t = c.today.AddDate(0, 0, sign*7*n)
			case "month":
				t = addMonths(c.today, sign*n)
			case "hour":
				t = civil(c.ref.Add(time.Duration(sign*n) * time.Hour).Date())
			}
			return outcome{date: t, deadline: strings.EqualFold(g.get("pre"), "within")}, true
		}),
}

func festivalOf(h string) Festival {
	switch strings.TrimSuffix(h, "节") {
	case "元旦":
		return NewYear
	case "春", "过年", "大年初一":
		return SpringFest
	case "清明":
		return Qingming
	case "五一劳动", "劳动", "五一":
		return LabourDay
	case "端午":
		return DragonBoat
	case "中秋":
		return MidAutumn
	}
	return NationalDay
}
