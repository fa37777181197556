package extract

import (
	"strings"
	"unicode"
)

// Span is a stretch of text located by rune offsets in the text it came
// from, so evidence can always be quoted exactly as it stands.
type Span struct {
	Text       string
	Start, End int // rune offsets, End exclusive
}

// Split cuts text into sentences at Chinese and Western sentence ends and
// at line breaks. Terminators, surrounding blanks and list markers (-, •,
// 1., 1、, （1）, ①) are left out of the spans; offsets stay exact.
func Split(text string) []Span {
	runes := []rune(text)
	var spans []Span
	start := 0
	flush := func(end int) {
		if s, ok := trimSpan(runes, start, end); ok {
			spans = append(spans, s)
		}
	}
	for i := 0; i < len(runes); i++ {
		if !isTerminator(runes, i) {
			continue
		}
		flush(i)
		// Runs like "！！" or "？”" belong to the same end.
		for i+1 < len(runes) && (isTerminator(runes, i+1) || isClosing(runes[i+1])) {
			i++
		}
		start = i + 1
	}
	flush(len(runes))
	return spans
}

func isTerminator(r []rune, i int) bool {
	switch r[i] {
	case '。', '！', '？', '!', '?', '；', ';', '…', '\n', '\r':
		return true
	case '.':
		// A Western full stop ends a sentence only before a blank or the end:
		// "3.5万" and "v1.2" stay whole.
		if i+1 < len(r) && !unicode.IsSpace(r[i+1]) {
			return false
		}
		// "1. 确认账期": a number opening a line is list numbering.
		j := i - 1
		for j >= 0 && unicode.IsDigit(r[j]) {
			j--
		}
		return j == i-1 || (j >= 0 && r[j] != '\n')
	}
	return false
}

func isClosing(r rune) bool {
	return strings.ContainsRune("”’」』）)】", r)
}

// trimSpan narrows runes[start:end] past blanks and list markers and
// reports whether anything worth classifying is left.
func trimSpan(r []rune, start, end int) (Span, bool) {
	for {
		for start < end && (unicode.IsSpace(r[start]) || r[start] == '\u3000') {
			start++
		}
		n := listMarker(r[start:end])
		if n == 0 {
			break
		}
		start += n
	}
	for end > start && (unicode.IsSpace(r[end-1]) || r[end-1] == '\u3000') {
		end--
	}
	meaningful := false
	for _, c := range r[start:end] {
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			meaningful = true
			break
		}
	}
	if !meaningful {
		return Span{}, false
	}
	return Span{Text: string(r[start:end]), Start: start, End: end}, true
}

// listMarker returns the length of a bullet or numbering prefix, or 0.
func listMarker(r []rune) int {
	if len(r) == 0 {
		return 0
	}
	switch r[0] {
	case '-', '*', '•', '·', '●', '○', '■', '□', '▪', '>', '＞', '#':
		return 1
	}
	if r[0] >= '①' && r[0] <= '⑳' {
		return 1
	}
	// "(1)" / "（1）"
	if r[0] == '(' || r[0] == '（' {
		for i := 1; i < len(r) && i < 4; i++ {
			if r[i] == ')' || r[i] == '）' {
				if isNumeral(r[1:i]) {
					return i + 1
				}
				break
			}
		}
		return 0
	}
	// "1." "1、" "12)" "一、"
	i := 0
	for i < len(r) && i < 3 && (unicode.IsDigit(r[i]) || strings.ContainsRune("一二三四五六七八九十", r[i])) {
		i++
	}
	if i > 0 && i < len(r) && strings.ContainsRune(".、)）:：", r[i]) {
		// "3.5万" is a number, not a list marker.
		if r[i] == '.' && i+1 < len(r) && unicode.IsDigit(r[i+1]) {
			return 0
		}
		return i + 1
	}
	return 0
}

func isNumeral(r []rune) bool {
	if len(r) == 0 {
		return false
	}
	for _, c := range r {
		if !unicode.IsDigit(c) && !strings.ContainsRune("一二三四五六七八九十", c) {
			return false
		}
	}
	return true
}
