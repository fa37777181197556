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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runes := []rune(tt.in)
			var got []string
			for _, p := range Pieces(tt.in, tt.max) {
				assert.LessOrEqual(t, p.End-p.Start, tt.max)
				got = append(got, string(runes[p.Start:p.End]))
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
