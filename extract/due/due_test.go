package due

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var cst = time.FixedZone("CST", 8*3600)

// at10 is 10:00 Beijing time on the given day.
func at10(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 10, 0, 0, 0, cst)
}

// Reference times used across the table.
var (
	wed     = at10(2026, 3, 11)  // Wednesday; week 3月9日–15日
	fri     = at10(2026, 1, 30)  // Friday, last days of January
	sat     = at10(2026, 3, 14)  // Saturday
	sun     = at10(2026, 3, 15)  // Sunday, last day of its week
	yearEnd = at10(2026, 12, 30) // Wednesday before New Year
	leapFeb = at10(2024, 2, 10)  // Saturday of a leap February
	plainFb = at10(2025, 2, 27)  // Thursday of a common February
	nov     = at10(2026, 11, 23) // Monday
)

func TestFind(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		ref      time.Time
		want     string // YYYY-MM-DD, "" for no date
		expr     string
		deadline bool
		past     bool
	}{
		// Relative days.
		{"today", "今天下班前发您", wed, "2026-03-11", "今天下班前", true, false},
		{"today 今日", "今日内回复", wed, "2026-03-11", "今日内", true, false},
		{"tonight", "今晚8点前给你", wed, "2026-03-11", "今晚8点前", true, false},
		{"tomorrow", "明天上午把合同发过去", wed, "2026-03-12", "明天上午", false, false},
		{"tomorrow 明日", "明日提交", wed, "2026-03-12", "明日", false, false},
		{"day after tomorrow", "后天给你答复", wed, "2026-03-13", "后天", false, false},
		{"three days on", "大后天去现场", wed, "2026-03-14", "大后天", false, false},
		{"tomorrow across year", "明天给你", yearEnd, "2026-12-31", "明天", false, false},
		{"day after tomorrow across year", "后天给你", yearEnd, "2027-01-01", "后天", false, false},
		{"yesterday is past", "昨天已经发了", wed, "2026-03-10", "昨天", false, true},
		{"these two days", "我这两天问了回你", wed, "2026-03-13", "这两天", true, false},
		{"afternoon alone is today", "详细分析我下午发您", wed, "2026-03-11", "下午", false, false},
		{"afternoon with a clock time", "下午3点前给你", wed, "2026-03-11", "下午3点前", true, false},
		{"clock time alone is today", "预计十一点前恢复", wed, "2026-03-11", "十一点前", true, false},
		{"in a while", "会议链接我一会儿发您", wed, "2026-03-11", "一会儿", false, false},
		{"half an hour", "后台查 半小时回", wed, "2026-03-11", "半小时", false, false},
		{"minutes ending the text", "远程看下 十分钟", wed, "2026-03-11", "十分钟", false, false},

		// Weekdays.
		{"this Friday 本周五", "我们本周五前发到您邮箱", wed, "2026-03-13", "本周五前", true, false},
		{"this Friday 这周五", "这周五之前一定发给您", wed, "2026-03-13", "这周五之前", true, false},
		{"bare Friday", "周五给您回复", wed, "2026-03-13", "周五", false, false},
		{"Friday after work", "周五下班前给到", wed, "2026-03-13", "周五下班前", true, false},
		{"bare weekday already past is the coming one", "周一前把材料发您", wed, "2026-03-16", "周一前", true, false},
		{"Friday said on Saturday is the coming one", "周五前给你", sat, "2026-03-20", "周五前", true, false},
		{"bare weekday of something done", "周一已经发过去了", wed, "2026-03-09", "周一", false, true},
		{"next Wednesday 下周三", "下周三我和黄工再到院里", wed, "2026-03-18", "下周三", false, false},
		{"next Wednesday 下星期三", "下星期三开评审会", wed, "2026-03-18", "下星期三", false, false},
		{"next Wednesday 下礼拜三", "下礼拜三过来", wed, "2026-03-18", "下礼拜三", false, false},
		{"next Sunday 下周日", "下周日加班处理", wed, "2026-03-22", "下周日", false, false},
		{"week after next", "下下周一启动", wed, "2026-03-23", "下下周一", false, false},
		{"next Monday across year", "下周一上线", yearEnd, "2027-01-04", "下周一", false, false},
		{"Sunday 星期天", "星期天也可以", wed, "2026-03-15", "星期天", false, false},
		{"last Wednesday", "上周三已经发了", wed, "2026-03-04", "上周三", false, true},
		{"weekend", "周末前搞定", wed, "2026-03-15", "周末前", true, false},
		{"weekend said on Sunday", "周末给你", sun, "2026-03-15", "周末", false, false},
		{"this week within", "本周内提供名单", wed, "2026-03-15", "本周内", true, false},
		{"this week within 这周内", "这周内发你", wed, "2026-03-15", "这周内", true, false},
		{"next week alone fixes no day", "下周给您电话", wed, "", "", false, false},
		{"next week alone, across a month", "下周过来", fri, "", "", false, false},
		{"within next week", "下周内完成", wed, "2026-03-22", "下周内", true, false},

		// Month parts.
		{"month end", "月底前签合同", wed, "2026-03-31", "月底前", true, false},
		{"this month end", "本月底前签署", wed, "2026-03-31", "本月底前", true, false},
		{"this month end 这个月底", "合同这个月底前签", wed, "2026-03-31", "这个月底前", true, false},
		{"month end leap February", "月底交付", leapFeb, "2024-02-29", "月底", false, false},
		{"month end common February", "月底交付", plainFb, "2025-02-28", "月底", false, false},
		{"next month end", "下月底验收", wed, "2026-04-30", "下月底", false, false},
		{"next month end across year", "下个月底验收", at10(2026, 12, 5), "2027-01-31", "下个月底", false, false},
		{"month start", "月初给你", wed, "2026-04-01", "月初", false, false},
		{"next month start", "下个月初提交方案", wed, "2026-04-01", "下个月初", false, false},
		{"next month start 下月初", "下月初开会", yearEnd, "2027-01-01", "下月初", false, false},
		{"mid month", "月中上线", wed, "2026-03-15", "月中", false, false},
		{"mid month already past", "月中上线", at10(2026, 3, 20), "2026-04-15", "月中", false, false},
		{"within this month", "本月内完成", wed, "2026-03-31", "本月内", true, false},
		{"year end", "预付款年底前支付", wed, "2026-12-31", "年底前", true, false},
		{"before the year is out", "年前一定上线", wed, "2026-12-31", "年前", true, false},
		{"next year end", "明年年底完成", wed, "2027-12-31", "明年年底", false, false},
		{"start of the year", "年初启动", wed, "2027-01-01", "年初", false, false},
		{"end of year by number", "2026年底前验收", wed, "2026-12-31", "2026年底前", true, false},
		{"mid-month dekad", "十二月中旬上线", nov, "2026-12-20", "十二月中旬", false, false},

		// Quarters.
		{"end of this quarter", "本季度末完成验收", wed, "2026-03-31", "本季度末", false, false},
		{"before Q4", "Q4前上线", wed, "2026-12-31", "Q4前", true, false},
		{"Q1 said in November", "Q1前完成采购", nov, "2027-03-31", "Q1前", true, false},
		{"fourth quarter end", "四季度末交付", wed, "2026-12-31", "四季度末", false, false},
		{"next quarter", "下季度启动", nov, "2027-01-01", "下季度", false, false},

		// Holidays.
		{"before Spring Festival", "春节前完成旧设备腾挪", at10(2026, 1, 12), "2026-02-14", "春节前", true, false},
		{"after the holiday", "节后第一个工作日召开启动会", at10(2026, 2, 10), "2026-02-24", "节后", false, false},
		{"after National Day", "节后第一个工作日电话沟通", at10(2025, 9, 29), "2025-10-09", "节后", false, false},
		{"after New Year is a make-up Sunday", "节后再说", at10(2025, 12, 28), "2026-01-04", "节后", false, false},
		{"before National Day", "国庆前签约", at10(2026, 9, 1), "2026-09-30", "国庆前", true, false},
		{"before 十一", "十一前上线", at10(2026, 9, 1), "2026-09-30", "十一前", true, false},
		{"after Qingming", "清明后安排培训", wed, "2026-04-07", "清明后", false, false},
		{"after May Day", "五一后开始试点", at10(2026, 4, 20), "2026-05-06", "五一后", false, false},
		{"before Dragon Boat", "端午节前交付", wed, "2026-06-18", "端午节前", true, false},
		{"Mid-Autumn day", "中秋节送月饼", at10(2026, 9, 1), "2026-09-25", "中秋节", false, false},
		{"after New Year's Day", "元旦后开工", at10(2026, 12, 1), "2027-01-04", "元旦后", false, false},
		{"after Spring Festival", "试用名单我过完年给你", at10(2026, 2, 5), "2026-02-24", "过完年", false, false},
		{"no holiday table beyond 2027", "节后再说", at10(2027, 12, 20), "", "", false, false},

		// Spans of time.
		{"three days", "三天内答复", wed, "2026-03-14", "三天内", true, false},
		{"3 days", "3天内答复", wed, "2026-03-14", "3天内", true, false},
		{"working days skip the weekend", "三个工作日内给出评估", wed, "2026-03-16", "三个工作日内", true, false},
		{"working days from a Saturday", "三个工作日内回复", sat, "2026-03-18", "三个工作日内", true, false},
		{"working days skip National Day", "三个工作日内回复", at10(2025, 9, 30), "2025-10-11", "三个工作日内", true, false},
		{"working days across New Year", "三个工作日内回复", yearEnd, "2027-01-05", "三个工作日内", true, false},
		{"two weeks", "两周后复盘", wed, "2026-03-25", "两周后", false, false},
		{"two weeks 两个星期", "两个星期后再看", wed, "2026-03-25", "两个星期后", false, false},
		{"within a week", "一周内给出评估意见", wed, "2026-03-18", "一周内", true, false},
		{"half a month", "半个月内交付", wed, "2026-03-26", "半个月内", true, false},
		{"a month", "一个月内上线", wed, "2026-04-11", "一个月内", true, false},
		{"a month from January 31st", "一个月内上线", at10(2026, 1, 31), "2026-02-28", "一个月内", true, false},
		{"a month from January 31st, leap year", "一个月内上线", at10(2024, 1, 31), "2024-02-29", "一个月内", true, false},
		{"two or three days", "两三天内发你", wed, "2026-03-14", "两三天内", true, false},
		{"three or four days, not 34", "三四天内发你", wed, "2026-03-15", "三四天内", true, false},
		{"in three more days", "再过三天就到期了", wed, "2026-03-14", "再过三天", false, false},
		{"today or tomorrow", "今明两天给你答复", wed, "2026-03-12", "今明两天", true, false},
		{"minutes", "十分钟内恢复", wed, "2026-03-11", "十分钟内", true, false},
		{"hours across midnight", "24小时内回复", wed, "2026-03-12", "24小时内", true, false},
		{"days ago is past", "三天前发过了", wed, "2026-03-08", "三天前", false, true},
		{"counted from an event", "签约后十个工作日内支付首付款", wed, "", "", false, false},
		{"counted from an event, words between", "收到您的回复后我们两个工作日内更新方案", wed, "", "", false, false},

		// Calendar dates.
		{"month day 号", "3月15号前提供", wed, "2026-03-15", "3月15号前", true, false},
		{"month day 日", "3月15日交付", wed, "2026-03-15", "3月15日", false, false},
		{"Chinese month day 号", "三月十五号签约", wed, "2026-03-15", "三月十五号", false, false},
		{"Chinese month day 日", "三月十五日签约", wed, "2026-03-15", "三月十五日", false, false},
		{"full-width digits", "３月１５日前", wed, "2026-03-15", "３月１５日前", true, false},
		{"recent month day is past", "3月10号已经发了", at10(2026, 3, 12), "2026-03-10", "3月10号", false, true},
		{"January said in December", "1月5日前回款", at10(2026, 12, 20), "2027-01-05", "1月5日前", true, false},
		{"month end by name", "3月底上线", nov, "2027-03-31", "3月底", false, false},
		{"December end said in November", "12月底前签", nov, "2026-12-31", "12月底前", true, false},
		{"leap day without year", "2月29日前", at10(2027, 11, 1), "2028-02-29", "2月29日前", true, false},
		{"day of this month", "十五号前给你", wed, "2026-03-15", "十五号前", true, false},
		{"day of month already past", "十五号前给你", at10(2026, 3, 20), "2026-04-15", "十五号前", true, false},
		{"31st skips April", "31号交付", at10(2026, 4, 5), "2026-05-31", "31号", false, false},
		{"30th skips February", "30号交付", at10(2026, 2, 10), "2026-03-30", "30号", false, false},
		{"29th of a leap February", "29号交付", at10(2028, 2, 1), "2028-02-29", "29号", false, false},
		{"day of next month", "下个月3号开会", wed, "2026-04-03", "下个月3号", false, false},
		{"full date", "2026年3月15日前完成", wed, "2026-03-15", "2026年3月15日前", true, false},
		{"full date in Chinese digits", "二〇二六年三月十五日签约", wed, "2026-03-15", "二〇二六年三月十五日", false, false},
		{"ISO date", "截止日期：2026-03-15", wed, "2026-03-15", "截止日期：2026-03-15", true, false},
		{"slashed date", "2026/3/15上线", wed, "2026-03-15", "2026/3/15", false, false},
		{"dotted month day", "3.15前给你", wed, "2026-03-15", "3.15前", true, false},
		{"explicit year next", "明年3月15日续约", wed, "2027-03-15", "明年3月15日", false, false},
		{"full date, leap day", "2024年2月29日到期", wed, "2024-02-29", "2024年2月29日", false, true},

		// English and mixed text.
		{"by Friday", "I'll send the deck by Friday", wed, "2026-03-13", "by Friday", true, false},
		{"EOD", "报价单EOD前发你", wed, "2026-03-11", "EOD前", true, false},
		{"next Monday", "let's meet next Monday", wed, "2026-03-16", "next Monday", false, false},
		{"by Mar 15", "PO by Mar 15", wed, "2026-03-15", "by Mar 15", true, false},
		{"by Monday said on a Friday", "we'll provide the docs by Monday", at10(2026, 3, 20), "2026-03-23", "by Monday", true, false},
		{"this Monday said on a Friday", "as agreed this Monday", at10(2026, 3, 20), "2026-03-16", "this Monday", false, true},
		{"March 15th, 2027", "renewal on March 15th, 2027", wed, "2027-03-15", "March 15th, 2027", false, false},
		{"tomorrow EOD", "tomorrow EOD", wed, "2026-03-12", "tomorrow EOD", true, false},
		{"within business days", "within 3 business days", wed, "2026-03-16", "within 3 business days", true, false},
		{"mixed sentence", "我们Q4前上线new module", wed, "2026-12-31", "Q4前", true, false},

		// Several dates: a deadline wins, else the latest.
		{"deadline beats a later date", "周五前给初稿，下周三开评审会", wed, "2026-03-13", "周五前", true, false},
		{"latest of plain dates", "上周三已经发了，下周五再给一版", wed, "2026-03-20", "下周五", false, false},
		{"latest deadline", "周三前给初稿，周五前给终稿", wed, "2026-03-13", "周五前", true, false},

		// No date.
		{"as soon as possible", "我们尽快处理", wed, "", "", false, false},
		{"later", "回头再说", wed, "", "", false, false},
		{"another day", "改天再约", wed, "", "", false, false},
		{"after a while", "过段时间再看", wed, "", "", false, false},
		{"when free", "有空来坐坐", wed, "", "", false, false},
		{"in a few days", "过几天再联系", wed, "", "", false, false},
		{"sometime this week", "这周找时间给您演示", wed, "", "", false, false},
		{"a quarter named alone", "我们计划在二季度启动", wed, "", "", false, false},
		{"weekly", "每周五开例会", wed, "", "", false, false},
		{"once a week", "一周一次", wed, "", "", false, false},
		{"once a week 星期", "一个星期一次", wed, "", "", false, false},
		{"building number", "15号楼三层", wed, "", "", false, false},
		{"metro line", "坐3号线过来", wed, "", "", false, false},
		{"price", "单价3.15万", wed, "", "", false, false},
		{"version", "版本1.2发布了", wed, "", "", false, false},
		{"growth", "同比增长3.5", wed, "", "", false, false},
		{"count after month", "3月12个项目上线", wed, "", "", false, false},
		{"every day", "以前天天加班", wed, "", "", false, false},
		{"no such day in next month", "下个月31号", fri, "", "", false, false},
		{"no such day", "2026年2月29日", wed, "", "", false, false},
		{"lunar month", "腊月底回老家", wed, "", "", false, false},
		{"word with 节", "这个环节后面再讨论", wed, "", "", false, false},
		{"points, not o'clock", "我有三点建议", wed, "", "", false, false},
		{"a little", "再快一点", wed, "", "", false, false},
		{"length of a meeting", "安排一个小时左右的交流", wed, "", "", false, false},
		{"service hours", "7×24小时在线服务", wed, "", "", false, false},
		{"some other day's afternoon", "当天下午", wed, "", "", false, false},
		{"every Tuesday afternoon", "每周二下午开例会", wed, "", "", false, false},
		{"every afternoon", "每天下午都在", wed, "", "", false, false},
		{"every year end", "每年年底盘点", wed, "", "", false, false},
		{"every 15th", "每月15号发工资", wed, "", "", false, false},
		{"every Friday, a deadline", "每周五前提交周报", wed, "", "", false, false},
		{"empty", "", wed, "", "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := Find(tt.text, tt.ref)
			if tt.want == "" {
				assert.False(t, ok, "found %+v", m)
				return
			}
			require.True(t, ok, "no date in %q", tt.text)
			assert.Equal(t, tt.want, m.Date.Format(time.DateOnly))
			assert.Equal(t, tt.expr, m.Expr)
			assert.Equal(t, tt.deadline, m.Deadline, "deadline")
			assert.Equal(t, tt.past, m.Past, "past")
			assert.Equal(t, tt.expr, string([]rune(tt.text)[m.Start:m.End]), "offsets")
			assert.Equal(t, tt.ref.Location(), m.Date.Location())
			h, mi, s := m.Date.Clock()
			assert.Zero(t, h+mi+s, "midnight")
		})
	}
}

func TestFindOffsetsAreRunes(t *testing.T) {
	text := "好的，我们下周三前把报价发您"
	m, ok := Find(text, wed)
	require.True(t, ok)
	assert.Equal(t, 5, m.Start)
	assert.Equal(t, 9, m.End)
	assert.Equal(t, "下周三前", m.Expr)
}

func TestFindAll(t *testing.T) {
	all := FindAll("上周三发了初稿，周五前给终稿，下下周一上线", wed)
	require.Len(t, all, 3)
	var got []string
	for i, m := range all {
		got = append(got, m.Expr+"="+m.Date.Format(time.DateOnly))
		if i > 0 {
			assert.LessOrEqual(t, all[i-1].End, m.Start, "sorted, not overlapping")
		}
	}
	assert.Equal(t, []string{"上周三=2026-03-04", "周五前=2026-03-13", "下下周一=2026-03-23"}, got)
	assert.True(t, all[0].Past)
	assert.True(t, all[1].Deadline)
}

func TestFindKeepsReferenceLocation(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	// 23:30 on 3月7日 in New York, the night before clocks go forward.
	ref := time.Date(2026, 3, 7, 23, 30, 0, 0, ny)
	m, ok := Find("明天给你", ref)
	require.True(t, ok)
	assert.Equal(t, time.Date(2026, 3, 8, 0, 0, 0, 0, ny), m.Date)
	// The same instant in Beijing is already 3月8日.
	m, ok = Find("明天给你", ref.In(cst))
	require.True(t, ok)
	assert.Equal(t, "2026-03-09", m.Date.Format(time.DateOnly))
}

func TestResolve(t *testing.T) {
	got, ok := Resolve("完整的技术方案我们本周五前发到您邮箱", at10(2025, 3, 10))
	require.True(t, ok)
	assert.Equal(t, "2025-03-14", got)

	got, ok = Resolve("我们尽快处理", wed)
	assert.False(t, ok)
	assert.Empty(t, got)
}

func TestHolidaysAndWorkdays(t *testing.T) {
	hs := Holidays()
	require.NotEmpty(t, hs)
	for i, h := range hs {
		assert.False(t, h.Last.Before(h.First), "%s %s: last before first", h.Festival, h.Day.Format(time.DateOnly))
		assert.False(t, h.Day.Before(h.First) || h.Day.After(h.Last), "%s %s: day outside days off", h.Festival, h.Day.Format(time.DateOnly))
		if i > 0 {
			assert.False(t, h.First.Before(hs[i-1].First), "table out of order at %d", i)
		}
		for _, w := range h.Workdays {
			assert.Contains(t, []time.Weekday{time.Saturday, time.Sunday}, w.Weekday(), "make-up day %s", w.Format(time.DateOnly))
		}
	}
	hs[0].Festival = "changed"
	hs[1].Workdays[0] = time.Time{}
	assert.Equal(t, NewYear, Holidays()[0].Festival, "Holidays returns a copy")
	assert.False(t, Holidays()[1].Workdays[0].IsZero(), "Holidays returns a deep copy")

	tests := []struct {
		day  time.Time
		want bool
	}{
		{at10(2026, 3, 11), true},  // Wednesday
		{at10(2026, 3, 14), false}, // Saturday
		{at10(2026, 1, 4), true},   // Sunday worked for New Year
		{at10(2026, 2, 14), true},  // Saturday worked for Spring Festival
		{at10(2026, 2, 16), false}, // Monday of Spring Festival
		{at10(2025, 10, 8), false}, // last day of the 2025 National Day break
		{at10(2025, 10, 11), true}, // Saturday worked for it
		{at10(2028, 3, 15), true},  // beyond the table: weekdays work
		{at10(2028, 3, 18), false}, // beyond the table: weekends rest
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, IsWorkday(tt.day), tt.day.Format("2006-01-02 Mon"))
	}
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{
		"我们本周五前发到您邮箱", "三个工作日内", "2026年3月15日", "3.15前", "by Mar 15", "Q4前",
		"下下周一", "春节前", "节后", "十五号", "一万二", "周五下班前", "EOD", "\xff\xfe月底",
		"二〇二六年十二月三十一日", "3/15号", "截止：", "十一前后", "半个月内",
	} {
		f.Add(s, int64(0))
	}
	f.Fuzz(func(t *testing.T, text string, offset int64) {
		// Any instant from 2000 to 2060, any location offset.
		sec := 946684800 + offset%(60*365*86400)
		if sec < 0 {
			sec = -sec
		}
		ref := time.Unix(sec, 0).In(time.FixedZone("", int(offset%(14*3600))))
		n := utf8.RuneCountInString(text)
		runes := []rune(text)
		prevEnd := 0
		for _, m := range FindAll(text, ref) {
			if m.Start < prevEnd || m.Start >= m.End || m.End > n {
				t.Fatalf("bad offsets [%d,%d) after %d in %d runes of %q", m.Start, m.End, prevEnd, n, text)
			}
			prevEnd = m.End
			if utf8.ValidString(text) && string(runes[m.Start:m.End]) != m.Expr {
				t.Fatalf("Expr %q is not runes [%d,%d) of %q", m.Expr, m.Start, m.End, text)
			}
			if h, mi, s := m.Date.Clock(); h+mi+s != 0 || m.Date.Location() != ref.Location() {
				t.Fatalf("date %v is not midnight in %v", m.Date, ref.Location())
			}
		}
		_, _ = Find(text, ref)
	})
}

var benchText = []string{
	"完整的技术方案和集成架构图我们本周五前发到您邮箱，下周三我和黄工再到院里跟信息科做一次详细交流。",
	"收到您的回复后我们两个工作日内更新方案",
	"合同这个月底前签，你们准备一下",
	"I'll send the revised quote by Friday EOD, 下周一再电话沟通",
	"每次上级要数据，信息科都要手工从各个库里导出来再用Excel拼，一份报表要两三天",
}

// BenchmarkFindAllEmail reads a whole e-mail body at once.
func BenchmarkFindAllEmail(b *testing.B) {
	body := strings.Repeat("刘主任您好：感谢上周四抽时间接待我们，关于贵院临床数据中心的建设思路，我们回来后做了整理。"+
		"完整的技术方案和集成架构图我们本周五前发到您邮箱，下周三我和黄工再到院里跟信息科做一次详细交流。"+
		"另外您提到的三甲复审时间节点，我们也会一并考虑进去。Please review the attached deck by Mar 15.\n", 8)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		FindAll(body, wed)
	}
}

func BenchmarkFind(b *testing.B) {
	n := 0
	for _, s := range benchText {
		n += len(s)
	}
	b.SetBytes(int64(n))
	for b.Loop() {
		for _, s := range benchText {
			Find(s, wed)
		}
	}
}
