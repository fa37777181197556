// Package due finds the date a Chinese (or mixed Chinese/English) sentence
// fixes, such as the deadline of a commitment, relative to when the message
// was sent: 明天, 下周三, 月底前, 三个工作日内, 春节前, 3月15号, 2026-03-15,
// "by Friday", "EOD" and many more.
//
// Weeks start on Monday. Working days follow the public-holiday schedule of
// mainland China (see Holidays), including weekend days worked in exchange
// for holidays. Text that fixes no date (尽快, 回头, 改天, 过段时间, 有空,
// 这周找时间, 二季度启动, 每周五) yields none. Dates in the past are still
// returned, flagged Past, because whether a past date is a due date is for
// the caller to decide.
//
// The readings that are a matter of convention:
//
//   - 本周五 is this week's Friday even when it is past; a bare 周五 already
//     past is the coming one ("我周一前发给您" on a Thursday), unless the
//     text tells of something done (已, 了); 这周 and 下周 alone fix no day;
//     周末 and 本周内 are this week's Sunday.
//   - An English weekday alone is the coming one: "by Monday" on a Friday.
//   - 月底 is this month's last day, 月初 the next month's first, 月中 the
//     15th (next month's once past), 十五号 this month's 15th or, once past,
//     the next month's.
//   - A month and day without a year (3月15日, 3.15, Mar 15) is the nearest
//     such day, before or after; a quarter without a year (Q1前) the next
//     one to end.
//   - 年底 and 年前 are 12月31日; 春节前 the day before the holiday starts;
//     节后 the first working day after the next holiday ends.
//   - Spans count from the reference day: 三天内 is three days on, 两周后
//     fourteen, 一个月内 a calendar month (1月31日 to 2月28日), 三个工作日内
//     three working days. A span counted from an event the text does not
//     date (签约后十个工作日内) fixes no day.
//
// All offsets are in runes, never bytes.
package due

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Match is one date expression found in a text.
type Match struct {
	// Date is the day the expression fixes, at midnight in the location of
	// the reference time.
	Date time.Time
	// Start and End are rune offsets of Expr in the text.
	Start, End int
	// Expr is the expression as it stands in the text, including any
	// deadline words attached to it (前, 之前, 截止, by, before…).
	Expr string
	// Deadline is set when the date is a limit rather than a plain mention:
	// 周五前, 三天内, 截止3月15日, "by Friday", EOD.
	Deadline bool
	// Past is set when Date is before the reference day.
	Past bool
}

// Find returns the date text fixes relative to ref, the time the text was
// written. When several dates occur it prefers those attached to a
// deadline, then the latest date, then the first in the text. It reports
// false when the text fixes no date.
func Find(text string, ref time.Time) (Match, bool) {
	all := FindAll(text, ref)
	if len(all) == 0 {
		return Match{}, false
	}
	best := all[0]
	for _, m := range all[1:] {
		switch {
		case m.Deadline != best.Deadline:
			if m.Deadline {
				best = m
			}
		case m.Date.After(best.Date):
			best = m
		}
	}
	return best, true
}

// Resolve returns the date text fixes relative to ref as YYYY-MM-DD, chosen
// as Find chooses it.
func Resolve(text string, ref time.Time) (string, bool) {
	m, ok := Find(text, ref)
	if !ok {
		return "", false
	}
	return m.Date.Format(time.DateOnly), true
}

// FindAll returns every date expression in text, in text order. Where
// expressions overlap the longest wins: 大后天 over 后天, 下周三 over 周三.
func FindAll(text string, ref time.Time) []Match {
	if text == "" {
		return nil
	}
	c := &scan{text: text, lower: asciiLower(text), ref: ref, today: civil(ref.Date())}
	var cands []candidate
	for i, r := range rules {
		if !r.worth(text, c.lower) {
			continue
		}
		for _, idx := range r.re.FindAllStringSubmatchIndex(text, -1) {
			g := groups{text: text, idx: idx, r: r}
			out, ok := r.resolve(c, g)
			if !ok {
				continue
			}
			cd := candidate{start: idx[0], end: idx[1], outcome: out, rule: i}
			if recurring.MatchString(tail(text[:idx[0]], 32)) {
				// 每周五, 每天下午, 每年年底: every such day, not a day. The
				// span is still claimed so that no part of it is read.
				cd.veto = true
			}
			c.attach(&cd, r)
			cands = append(cands, cd)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	slices.SortStableFunc(cands, func(a, b candidate) int {
		if la, lb := utf8.RuneCountInString(text[a.start:a.end]), utf8.RuneCountInString(text[b.start:b.end]); la != lb {
			return lb - la
		}
		if a.start != b.start {
			return a.start - b.start
		}
		return a.rule - b.rule
	})
	var kept []candidate
	for _, cd := range cands {
		if !slices.ContainsFunc(kept, cd.overlaps) {
			kept = append(kept, cd)
		}
	}
	slices.SortFunc(kept, func(a, b candidate) int { return a.start - b.start })
	var out []Match
	for _, cd := range kept {
		if cd.veto {
			continue
		}
		y, mo, d := cd.date.Date()
		start := utf8.RuneCountInString(text[:cd.start])
		out = append(out, Match{
			Date:     time.Date(y, mo, d, 0, 0, 0, 0, ref.Location()),
			Start:    start,
			End:      start + utf8.RuneCountInString(text[cd.start:cd.end]),
			Expr:     text[cd.start:cd.end],
			Deadline: cd.deadline,
			Past:     cd.date.Before(c.today),
		})
	}
	return out
}

// scan is the state of one FindAll call.
type scan struct {
	text  string
	lower string // text with ASCII letters lowered
	ref   time.Time
	today time.Time // civil date of ref
}

// outcome is what a rule resolves an expression to.
type outcome struct {
	date     time.Time // civil date
	deadline bool
	// veto marks an expression that names no real day (2月30日): it wins
	// its span from shorter readings but yields no Match.
	veto bool
}

// candidate is a resolved expression before overlaps are settled; start and
// end are byte offsets.
type candidate struct {
	start, end int
	outcome
	rule int
}

func (a candidate) overlaps(b candidate) bool {
	return a.start < b.end && b.start < a.end
}

var (
	// timeOfDay follows a day: 周五下午, 明天上午10点, 3月15日 18:00,
	// 周五下班. It is part of the expression but does not move the date.
	timeOfDay = regexp.MustCompile(`^(?:\s*(?:早上|早晨|上午|中午|下午|傍晚|晚上|夜里|凌晨))?` +
		`(?:\s*(?:[0-9]{1,2}\s*[:：]\s*[0-9]{2}|(?:[0-9]{1,2}|[零一二两三四五六七八九十]{1,3})\s*点(?:半|钟|[0-9]{1,2}分?|[零一二三四五六七八九十]{1,3}分?)?))?` +
		`(?:\s*(?:下班|收工|(?i:EOD|COB)\b))?`)
	endOfDay = regexp.MustCompile(`(?i)下班|收工|EOD|COB`)
	// deadlineAfter marks the expression before it as a limit: 周五前,
	// 3月15日之前, 月底截止, 到周五为止.
	deadlineAfter = regexp.MustCompile(`^\s*(?:之前|以前|前|截止|为止|之内|以内|内)`)
)

// recurring matches text ending in 每 and a period: 每, 每周, 每两个月.
var recurring = regexp.MustCompile(`每(?:[0-9一二两三四五六七八九十]+)?个?(?:工作日|周|星期|礼拜|月|年|天|日|季度|季)?$`)

// Words in front of an expression that make it a limit: 截止3月15日, 最晚周五,
// by Friday, due Mar 15. Longer words come first; English ones are
// lower-case and need a word boundary in front.
var (
	deadlineBefore   = []string{"截止日期", "截止时间", "截止到", "截至到", "截止至", "截止", "截至", "最晚", "最迟", "不晚于", "不迟于"}
	deadlineBeforeEN = []string{"no later than", "not later than", "deadline", "due on", "due by", "before", "until", "till", "due", "by"}
)

// attach grows a candidate over the words around it that belong to it: a
// time of day, deadline words after it, deadline words before it.
func (c *scan) attach(cd *candidate, r *rule) {
	if r.kind == dayLike {
		if loc := timeOfDay.FindStringIndex(c.text[cd.end:]); loc != nil && loc[1] > 0 {
			if endOfDay.MatchString(c.text[cd.end : cd.end+loc[1]]) {
				cd.deadline = true
			}
			cd.end += loc[1]
		}
	}
	if r.kind != plain {
		rest := c.text[cd.end:]
		if loc := deadlineAfter.FindStringIndex(rest); loc != nil {
			after := rest[loc[1]:]
			// 前后 is "around", not "before".
			if !(rest[loc[1]-len("前"):loc[1]] == "前" && hasPrefixRune(after, '后')) {
				cd.end += loc[1]
				cd.deadline = true
			}
		}
	}
	head := strings.TrimRightFunc(c.text[:cd.start], unicode.IsSpace)
	if h := strings.TrimSuffix(strings.TrimSuffix(head, ":"), "："); h != head {
		head = strings.TrimRightFunc(h, unicode.IsSpace)
	}
	for _, w := range deadlineBefore {
		if strings.HasSuffix(head, w) {
			cd.start, cd.deadline = len(head)-len(w), true
			return
		}
	}
	lower := c.lower[:len(head)]
	for _, w := range deadlineBeforeEN {
		// "nearby Friday" is no deadline.
		if at := len(head) - len(w); strings.HasSuffix(lower, w) && (at == 0 || !isASCIIWord(lower[at-1])) {
			cd.start, cd.deadline = at, true
			return
		}
	}
}

// tail returns at most the last n bytes of s, cut at a rune boundary.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return s[i:]
}

// asciiLower lowers ASCII letters only, keeping byte offsets.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func hasPrefixRune(s string, r rune) bool {
	f, _ := utf8.DecodeRuneInString(s)
	return s != "" && f == r
}

func isASCIIWord(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}
