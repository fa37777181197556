package asr

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPieces(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want []string
	}{
		{"short turn is one piece", "嗯好的那我们下周三之前把报价单发给您", 40, []string{"嗯好的那我们下周三之前把报价单发给您"}},
		{"cut at blanks", "嗯 这个价格的话我们还要再看看 然后那个账期能不能放到九十天", 20, []string{"嗯 这个价格的话我们还要再看看", "然后那个账期能不能放到九十天"}},
		{"cut at fillers", "我们现在每个月对账都要三个人加班一周然后那个系统之间数据也打不通", 20, []string{"我们现在每个月对账都要三个人加班一周", "然后那个系统之间数据也打不通"}},
		{"punctuation trimmed", "，好的，", 40, []string{"好的"}},
		{"empty", "  ", 40, nil},
		{"an English line is cut by words, not letters", "sure I will send the revised quote to Lily by Friday and then we can set up a call with your finance team next week", 24,
			[]string{"sure I will send the revised quote to Lily by Friday and", "then we can set up a call with your finance team next", "week"}},
		{"a Latin word is never cut in two", "我们这边的SalesforceIntegrationModule", 6, []string{"我们这边的", "SalesforceIntegrationModule"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runes := []rune(tt.in)
			var got []string
			for _, p := range Pieces(tt.in, tt.max) {
				assert.LessOrEqual(t, SpokenLength(string(runes[p.Start:p.End])), tt.max)
				got = append(got, string(runes[p.Start:p.End]))
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSpokenLength(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"报价单发给您", 6},
		{"send the quote", 6},
		{"POC的scope document", 7},
		{"三十五万", 4},
		{"350000元", 3},
		{"，。 ！", 0},
		{"I'll call", 4},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, SpokenLength(tt.in), tt.in)
	}
}

func TestHasPunctuation(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"好的。我们下周发", true},
		{"嗯好的那我们下周发", false},
		{"Thanks. I'll send it today", true},
		{"ok sure", false},
		{"we moved to v2.1 last month", false},
		{"the fee is 3.5 percent", false},
		{"send it by Friday.", true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, HasPunctuation(tt.in), tt.in)
	}
}
