package due

import (
	"slices"
	"time"
)

// Dates are computed as civil days: time.Time values at midnight UTC, so
// that adding days never meets a daylight-saving jump. They are moved to
// the reference time's location only when a Match is built.

func civil(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// validDay reports whether d is a day of month m in year y.
func validDay(y int, m time.Month, d int) bool {
	return m >= time.January && m <= time.December && d >= 1 && d <= daysIn(y, m)
}

func daysIn(y int, m time.Month) int {
	return civil(y, m+1, 0).Day()
}

func lastOfMonth(y int, m time.Month) time.Time {
	return civil(y, m+1, 0)
}

// addMonths moves t by n months, clamping to the end of a shorter month:
// a month after 1月31日 is the last day of February, not 3月3日.
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := civil(y, m+time.Month(n), 1)
	if last := daysIn(first.Year(), first.Month()); d > last {
		d = last
	}
	return civil(first.Year(), first.Month(), d)
}

// weekdayIndex numbers days from Monday (0) to Sunday (6): Chinese weeks
// start on Monday.
func weekdayIndex(t time.Time) int {
	return (int(t.Weekday()) + 6) % 7
}

// mondayOf returns the Monday of t's week.
func mondayOf(t time.Time) time.Time {
	return t.AddDate(0, 0, -weekdayIndex(t))
}

// quarterEnd returns the last day of quarter q (1–4) of year y.
func quarterEnd(y, q int) time.Time {
	return lastOfMonth(y, time.Month(q*3))
}

// quarterStart returns the first day of quarter q (1–4) of year y.
func quarterStart(y, q int) time.Time {
	return civil(y, time.Month(q*3-2), 1)
}

func quarterOf(t time.Time) int {
	return (int(t.Month())-1)/3 + 1
}

// daysBetween returns b−a in whole days.
func daysBetween(a, b time.Time) int {
	return int(b.Sub(a).Hours() / 24)
}

// Festival names a public holiday of mainland China.
type Festival string

// The seven public holidays of the State Council's annual schedule.
const (
	NewYear     Festival = "元旦"
	SpringFest  Festival = "春节"
	Qingming    Festival = "清明"
	LabourDay   Festival = "劳动节"
	DragonBoat  Festival = "端午"
	MidAutumn   Festival = "中秋"
	NationalDay Festival = "国庆"
)

// anyFestival asks nextHoliday for whichever holiday comes first.
const anyFestival Festival = ""

// The years the holiday table covers.
const (
	minTableYear = 2025
	maxTableYear = 2027
)

// Holiday is one public holiday as the State Council schedules it: the
// festival's own day, the days off around it, and the weekend days made
// working days to pay for them (调休).
type Holiday struct {
	Festival Festival
	// Day is the festival itself (春节 is 正月初一).
	Day time.Time
	// First and Last bound the days off, both included.
	First, Last time.Time
	// Workdays are weekend days worked in exchange (调休上班).
	Workdays []time.Time
	// Provisional marks a schedule estimated from the statutory days and
	// not yet checked against the State Council's notice for its year.
	Provisional bool
}

func ymd(y int, m time.Month, d int) time.Time { return civil(y, m, d) }

// holidays is the schedule for 2025–2027, in date order. 2025 and 2026 follow
// the State Council notices on each year's holiday arrangement (部分节假日安排
// 的通知); 2027 is provisional: the statutory days with the weekends next to
// them and no make-up days, to be replaced by the 2027 notice.
var holidays = []Holiday{
	{NewYear, ymd(2025, 1, 1), ymd(2025, 1, 1), ymd(2025, 1, 1), nil, false},
	{SpringFest, ymd(2025, 1, 29), ymd(2025, 1, 28), ymd(2025, 2, 4), []time.Time{ymd(2025, 1, 26), ymd(2025, 2, 8)}, false},
	{Qingming, ymd(2025, 4, 4), ymd(2025, 4, 4), ymd(2025, 4, 6), nil, false},
	{LabourDay, ymd(2025, 5, 1), ymd(2025, 5, 1), ymd(2025, 5, 5), []time.Time{ymd(2025, 4, 27)}, false},
	{DragonBoat, ymd(2025, 5, 31), ymd(2025, 5, 31), ymd(2025, 6, 2), nil, false},
	// 2025's 中秋 (10月6日) falls inside the joint National Day break.
	{NationalDay, ymd(2025, 10, 1), ymd(2025, 10, 1), ymd(2025, 10, 8), []time.Time{ymd(2025, 9, 28), ymd(2025, 10, 11)}, false},
	{MidAutumn, ymd(2025, 10, 6), ymd(2025, 10, 1), ymd(2025, 10, 8), []time.Time{ymd(2025, 9, 28), ymd(2025, 10, 11)}, false},

	{NewYear, ymd(2026, 1, 1), ymd(2026, 1, 1), ymd(2026, 1, 3), []time.Time{ymd(2026, 1, 4)}, false},
	{SpringFest, ymd(2026, 2, 17), ymd(2026, 2, 15), ymd(2026, 2, 23), []time.Time{ymd(2026, 2, 14), ymd(2026, 2, 28)}, false},
	{Qingming, ymd(2026, 4, 5), ymd(2026, 4, 4), ymd(2026, 4, 6), nil, false},
	{LabourDay, ymd(2026, 5, 1), ymd(2026, 5, 1), ymd(2026, 5, 5), []time.Time{ymd(2026, 5, 9)}, false},
	{DragonBoat, ymd(2026, 6, 19), ymd(2026, 6, 19), ymd(2026, 6, 21), nil, false},
	{MidAutumn, ymd(2026, 9, 25), ymd(2026, 9, 25), ymd(2026, 9, 27), nil, false},
	{NationalDay, ymd(2026, 10, 1), ymd(2026, 10, 1), ymd(2026, 10, 7), []time.Time{ymd(2026, 9, 20), ymd(2026, 10, 10)}, false},

	{NewYear, ymd(2027, 1, 1), ymd(2027, 1, 1), ymd(2027, 1, 3), nil, true},
	{SpringFest, ymd(2027, 2, 6), ymd(2027, 2, 5), ymd(2027, 2, 10), nil, true},
	{Qingming, ymd(2027, 4, 5), ymd(2027, 4, 3), ymd(2027, 4, 5), nil, true},
	{LabourDay, ymd(2027, 5, 1), ymd(2027, 5, 1), ymd(2027, 5, 5), nil, true},
	{DragonBoat, ymd(2027, 6, 9), ymd(2027, 6, 9), ymd(2027, 6, 9), nil, true},
	{MidAutumn, ymd(2027, 9, 15), ymd(2027, 9, 15), ymd(2027, 9, 15), nil, true},
	{NationalDay, ymd(2027, 10, 1), ymd(2027, 10, 1), ymd(2027, 10, 7), nil, true},
}

// Holidays returns the holiday schedule the package resolves 节前, 节后,
// 春节前 and working days against, in date order.
func Holidays() []Holiday {
	out := make([]Holiday, len(holidays))
	for i, h := range holidays {
		h.Workdays = slices.Clone(h.Workdays)
		out[i] = h
	}
	return out
}

// nextHoliday returns the first holiday of festival f (any festival when f
// is empty) whose days off end on or after from; with startAfter it must
// instead begin after from.
func nextHoliday(f Festival, from time.Time, startAfter bool) (Holiday, bool) {
	for _, h := range holidays {
		if f != anyFestival && h.Festival != f {
			continue
		}
		if startAfter && h.First.After(from) || !startAfter && !h.Last.Before(from) {
			return h, true
		}
	}
	return Holiday{}, false
}

// IsWorkday reports whether the civil date of t is a working day in
// mainland China: a weekday that is no public holiday, or a weekend day
// worked in exchange for one. Outside the years of the holiday table only
// weekends are days off.
func IsWorkday(t time.Time) bool {
	day := civil(t.Date())
	if day.Year() >= minTableYear && day.Year() <= maxTableYear {
		for _, h := range holidays {
			for _, w := range h.Workdays {
				if w.Equal(day) {
					return true
				}
			}
			if !day.Before(h.First) && !day.After(h.Last) {
				return false
			}
		}
	}
	wd := day.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// addWorkdays moves t by n working days (back when n < 0); t itself is
// not counted.
func addWorkdays(t time.Time, n int) time.Time {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		t = t.AddDate(0, 0, step)
		if IsWorkday(t) {
			n--
		}
	}
	return t
}

// firstWorkdayAfter returns the first working day after t.
func firstWorkdayAfter(t time.Time) time.Time {
	return addWorkdays(t, 1)
}
