// Package asr prepares call transcripts that come from speech recognition:
// text with little or no punctuation, fillers and long run-on turns. It
// finds the pieces of a turn that can be judged on their own without
// changing a character, so evidence is still quoted exactly as transcribed.
package asr

import (
	"strings"
	"unicode"
)

// fillers are words speakers use to hold the floor. A speaker who starts a
// new thought usually starts with one, so they mark likely boundaries.
var fillers = []string{"然后呢", "然后", "那个", "就是说", "嗯", "啊", "呃", "对对对", "对吧", "是吧", "这样子", "反正"}

// Piece is a stretch of a turn by rune offsets [Start, End).
type Piece struct{ Start, End int }

// Pieces cuts an unpunctuated turn into pieces of at most maxRunes runes,
// preferring blanks, commas and fillers as cut points. Text that already
// has sentence punctuation should be split by sentence instead.
func Pieces(text string, maxRunes int) []Piece {
	runes := []rune(text)
	if maxRunes <= 0 {
		maxRunes = 40
	}
	var out []Piece
	start := 0
	for start < len(runes) {
		end := len(runes)
		if end-start > maxRunes {
			end = cutPoint(runes, start, start+maxRunes)
		}
		if p, ok := trim(runes, start, end); ok {
			out = append(out, p)
		}
		start = end
	}
	return out
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
	return strings.ContainsAny(text, "。！？!?；;\n")
}
