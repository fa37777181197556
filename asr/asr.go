// Package asr prepares call transcripts that come from speech recognition:
// text with little or no punctuation, fillers and long run-on turns. It
// finds the pieces of a turn that can be judged on their own without
// changing a character, so evidence is still quoted exactly as transcribed.
package asr

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// fillers are words speakers use to hold the floor. A speaker who starts a
// new thought usually starts with one, so they mark likely boundaries.
var fillers = []string{"然后呢", "然后", "那个", "就是说", "嗯", "啊", "呃", "对对对", "对吧", "是吧", "这样子", "反正"}

// Piece is a stretch of a turn by rune offsets [Start, End).
type Piece struct{ Start, End int }

// Pieces cuts an unpunctuated turn into pieces of at most maxSpoken units
// of spoken length (see SpokenLength), preferring blanks, commas and fillers
// as cut points. Text that already has sentence punctuation should be split
// by sentence instead.
func Pieces(text string, maxSpoken int) []Piece {
	runes := []rune(text)
	if maxSpoken <= 0 {
		maxSpoken = 40
	}
	// at[i] is the spoken length of runes[:i].
	at := make([]int, len(runes)+1)
	for i, r := range runes {
		at[i+1] = at[i] + spokenWeight(runes, i, r)
	}
	var out []Piece
	start := 0
	for start < len(runes) {
		end := len(runes)
		if at[end]-at[start] > maxSpoken {
			limit := start + 1
			for limit < len(runes) && at[limit+1]-at[start] <= maxSpoken {
				limit++
			}
			// Never cut a Latin word in two when it can be avoided.
			l := limit
			for l > start+1 && isWordRune(runes[l-1]) && isWordRune(runes[l]) {
				l--
			}
			if l > start+1 {
				limit = l
			}
			end = cutPoint(runes, start, limit)
		}
		if p, ok := trim(runes, start, end); ok {
			out = append(out, p)
		}
		start = end
	}
	return out
}

// SpokenLength is how long text takes to say, roughly in syllables: a Han
// character (or any other letter outside the Latin script) counts one, a
// Latin word or number counts two, blanks and punctuation nothing. Cutting
// by runes would cut an English line into three-word scraps while a Chinese
// one of the same length is a whole clause.
func SpokenLength(text string) int {
	runes := []rune(text)
	n := 0
	for i, r := range runes {
		n += spokenWeight(runes, i, r)
	}
	return n
}

func spokenWeight(runes []rune, i int, r rune) int {
	switch {
	case isWordRune(r):
		if i > 0 && isWordRune(runes[i-1]) {
			return 0
		}
		return 2
	case unicode.IsLetter(r) || unicode.IsNumber(r):
		return 1
	}
	return 0
}

// isWordRune reports whether r belongs to a Latin word or an Arabic
// number, which are said as a whole.
func isWordRune(r rune) bool {
	return r < utf8.RuneSelf && unicode.IsDigit(r) || unicode.Is(unicode.Latin, r) || r == '\''
}

// cutPoint finds the best boundary in (start+min, limit]: the last blank or
// comma, else the last filler, else limit itself.
func cutPoint(r []rune, start, limit int) int {
	minLen := (limit - start) / 3
	for i := limit; i > start+minLen; i-- {
		if unicode.IsSpace(r[i-1]) || strings.ContainsRune("，,、", r[i-1]) {
			return i
		}
	}
	s := string(r[start:limit])
	best := -1
	for _, f := range fillers {
		if idx := strings.LastIndex(s, f); idx > 0 {
			at := start + len([]rune(s[:idx]))
			if at-start > minLen && at > best {
				best = at
			}
		}
	}
	if best > 0 {
		return best
	}
	return limit
}

func trim(r []rune, start, end int) (Piece, bool) {
	for start < end && (unicode.IsSpace(r[start]) || unicode.IsPunct(r[start])) {
		start++
	}
	for end > start && (unicode.IsSpace(r[end-1]) || unicode.IsPunct(r[end-1])) {
		end--
	}
	return Piece{start, end}, end > start
}

// HasPunctuation reports whether text carries sentence punctuation, that
// is, whether the engine or a person already punctuated it.
func HasPunctuation(text string) bool {
	if strings.ContainsAny(text, "。！？!?；;\n") {
		return true
	}
	// A Western full stop ends a sentence after a word ("Thanks. I'll send
	// it today"), not inside a number or an abbreviation like "v2.1".
	prev := rune(0)
	runes := []rune(text)
	for i, r := range runes {
		if r == '.' && unicode.IsLetter(prev) && (i+1 == len(runes) || unicode.IsSpace(runes[i+1])) {
			return true
		}
		prev = r
	}
	return false
}
