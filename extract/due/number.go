package due

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNumber is wrapped by every error ParseChineseNumber returns.
var ErrNumber = errors.New("not a Chinese number")

// maxNumber bounds parsed values well inside int64 so that no step of the
// parse can overflow.
const maxNumber = 1 << 62

// digitValue gives the value of a digit rune: Chinese (common and financial
// forms), ASCII and full-width. 两 and 幺 are colloquial forms of 2 and 1.
func digitValue(r rune) (int, bool) {
	switch r {
	case '〇', '零', '０', '0':
		return 0, true
	case '一', '壹', '幺', '１', '1':
		return 1, true
	case '二', '贰', '貳', '两', '兩', '２', '2':
		return 2, true
	case '三', '叁', '參', '３', '3':
		return 3, true
	case '四', '肆', '４', '4':
		return 4, true
	case '五', '伍', '５', '5':
		return 5, true
	case '六', '陆', '陸', '６', '6':
		return 6, true
	case '七', '柒', '７', '7':
		return 7, true
	case '八', '捌', '８', '8':
		return 8, true
	case '九', '玖', '９', '9':
		return 9, true
	}
	return 0, false
}

// isArabic reports whether r is an ASCII or full-width decimal digit.
func isArabic(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= '０' && r <= '９')
}

// unitValue gives the multiplier of a unit rune.
func unitValue(r rune) (int64, bool) {
	switch r {
	case '十', '拾':
		return 10, true
	case '百', '佰':
		return 100, true
	case '千', '仟':
		return 1000, true
	case '万', '萬':
		return 10000, true
	case '亿', '億':
		return 100000000, true
	}
	return 0, false
}

// ParseChineseNumber parses an integer written in Chinese numerals, Arabic
// digits (ASCII or full-width) or a mix of both, as people write and speech
// recognisers transcribe them:
//
//	十 → 10, 十一 → 11, 二十 → 20, 三十一 → 31, 一百零五 → 105,
//	两千 → 2000, 三百五 → 350, 一万二 → 12000, 3万 → 30000,
//	一亿两千万 → 120000000, 二〇二六 → 2026, 壹佰 → 100, 负三 → -3.
//
// A string of digits with no unit is read digit by digit, as years and
// phone numbers are spoken (二〇二六 is 2026, 二零 is 20). Spoken counts
// also pair neighbouring digits for "two or three" (两三, 三四十): pairs
// with 两 and pairs before a unit are rejected, but a bare pair such as 三四
// cannot be told from a digit string and reads as 34, so callers that
// expect counts should check for pairs first. Surrounding white space is
// ignored. Every error wraps ErrNumber.
func ParseChineseNumber(s string) (int, error) {
	rs := []rune(strings.TrimSpace(s))
	if len(rs) == 0 {
		return 0, fmt.Errorf("parse %q: empty: %w", s, ErrNumber)
	}
	neg := false
	if rs[0] == '负' || rs[0] == '-' || rs[0] == '－' {
		neg = true
		rs = rs[1:]
		if len(rs) == 0 {
			return 0, fmt.Errorf("parse %q: sign without digits: %w", s, ErrNumber)
		}
	}
	var (
		v   int64
		err error
	)
	if hasUnit(rs) {
		v, err = parseWithUnits(rs)
	} else {
		v, err = parseDigits(rs)
	}
	if err != nil {
		return 0, fmt.Errorf("parse %q: %w", s, err)
	}
	if neg {
		v = -v
	}
	return int(v), nil
}

func hasUnit(rs []rune) bool {
	for _, r := range rs {
		if _, ok := unitValue(r); ok {
			return true
		}
	}
	return false
}

// parseDigits reads a unit-less string digit by digit. Arabic and Chinese
// digits may not be mixed: "2〇26" is more likely a transcription error than
// a number.
func parseDigits(rs []rune) (int64, error) {
	arabic := isArabic(rs[0])
	var v int64
	for i, r := range rs {
		d, ok := digitValue(r)
		if !ok {
			return 0, fmt.Errorf("unexpected %q at rune %d: %w", r, i, ErrNumber)
		}
		if isArabic(r) != arabic {
			return 0, fmt.Errorf("mixed Arabic and Chinese digits at rune %d: %w", i, ErrNumber)
		}
		if len(rs) > 1 && (r == '两' || r == '兩') {
			return 0, fmt.Errorf("两 at rune %d in a digit string (approximate number?): %w", i, ErrNumber)
		}
		if v > (maxNumber-int64(d))/10 {
			return 0, fmt.Errorf("out of range: %w", ErrNumber)
		}
		v = v*10 + int64(d)
	}
	return v, nil
}

// parseWithUnits reads the positional form 三千零五十万… Sections below 万
// are accumulated in section, the 万 level in wan and the 亿 level in yi.
func parseWithUnits(rs []rune) (int64, error) {
	const (
		start = iota
		digit
		zero
		unit
	)
	var (
		yi, wan, section int64
		num              int64 // pending coefficient
		hasNum           bool
		numSingle        bool  // pending coefficient is a single digit
		lastSmall        int64 // last of 十百千 in this section, for ordering
		lastUnit         int64 // unit just before the pending digit, for 三百五
		prev             = start
	)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if isArabic(r) {
			if prev == digit {
				return 0, fmt.Errorf("digit %q at rune %d follows another digit: %w", r, i, ErrNumber)
			}
			j := i
			var n int64
			for j < len(rs) && isArabic(rs[j]) {
				d, _ := digitValue(rs[j])
				if n > (maxNumber-int64(d))/10 {
					return 0, fmt.Errorf("out of range: %w", ErrNumber)
				}
				n = n*10 + int64(d)
				j++
			}
			num, hasNum, numSingle = n, true, j-i == 1
			if prev != unit {
				lastUnit = 0
			}
			prev = digit
			i = j - 1
			continue
		}
		if d, ok := digitValue(r); ok {
			if d == 0 {
				if hasNum {
					return 0, fmt.Errorf("零 at rune %d follows a digit: %w", i, ErrNumber)
				}
				prev, lastUnit = zero, 0
				continue
			}
			if prev == digit {
				return 0, fmt.Errorf("digit %q at rune %d follows another digit (approximate number?): %w", r, i, ErrNumber)
			}
			num, hasNum, numSingle = int64(d), true, true
			if prev != unit {
				lastUnit = 0
			}
			prev = digit
			continue
		}
		u, ok := unitValue(r)
		if !ok {
			return 0, fmt.Errorf("unexpected %q at rune %d: %w", r, i, ErrNumber)
		}
		switch {
		case u < 10000:
			coef := num
			if !hasNum {
				// A bare 十 is ten (十五 = 15); a bare 百 or 千 is not a
				// number anyone writes.
				if u != 10 {
					return 0, fmt.Errorf("%q at rune %d has no coefficient: %w", r, i, ErrNumber)
				}
				coef = 1
			}
			if coef > 9 {
				return 0, fmt.Errorf("coefficient %d of %q at rune %d is over 9: %w", coef, r, i, ErrNumber)
			}
			if lastSmall != 0 && u >= lastSmall {
				return 0, fmt.Errorf("%q at rune %d is out of order: %w", r, i, ErrNumber)
			}
			section += coef * u
			lastSmall = u
		case u == 10000:
			seg := section + num
			if seg == 0 {
				return 0, fmt.Errorf("%q at rune %d has no coefficient: %w", r, i, ErrNumber)
			}
			if wan != 0 {
				return 0, fmt.Errorf("second 万 at rune %d: %w", i, ErrNumber)
			}
			if seg > maxNumber/u {
				return 0, fmt.Errorf("out of range: %w", ErrNumber)
			}
			wan, section, lastSmall = seg*u, 0, 0
		default: // 亿
			seg := wan + section + num
			if seg == 0 {
				return 0, fmt.Errorf("%q at rune %d has no coefficient: %w", r, i, ErrNumber)
			}
			if yi != 0 {
				return 0, fmt.Errorf("second 亿 at rune %d: %w", i, ErrNumber)
			}
			if seg > maxNumber/u {
				return 0, fmt.Errorf("out of range: %w", ErrNumber)
			}
			yi, wan, section, lastSmall = seg*u, 0, 0, 0
		}
		num, hasNum, numSingle = 0, false, false
		lastUnit = u
		prev = unit
	}
	if hasNum && numSingle && lastUnit >= 100 {
		// 三百五 is 350 and 一万二 is 12000: a lone trailing digit counts in
		// the unit below the one it follows.
		num *= lastUnit / 10
	}
	v := yi + wan + section + num
	if v > maxNumber || v < 0 {
		return 0, fmt.Errorf("out of range: %w", ErrNumber)
	}
	return v, nil
}
