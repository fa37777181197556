package extract

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testSegmenter(t testing.TB) *Segmenter {
	t.Helper()
	s, err := LoadSegmenter()
	require.NoError(t, err)
	return s
}

func TestSegmenterWords(t *testing.T) {
	s := testSegmenter(t)
	tests := []struct {
		in       string
		contains []string
	}{
		{"我们下周三前把报价单发给您", []string{"下周三", "报价单"}},
		{"账期这块我们还要再斟酌一下", []string{"账期", "这块"}},
		{"POC环境明天Ready", []string{"POC", "Ready", "明天"}},
		{"ＡＢＣ公司的 ERP 系统", []string{"ERP"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			words := s.Words(tt.in)
			for _, w := range tt.contains {
				assert.Contains(t, words, w)
			}
			// Nothing but blanks is lost, and case is kept.
			noBlanks := strings.Join(strings.Fields(strings.ReplaceAll(tt.in, "\u3000", " ")), "")
			assert.Equal(t, noBlanks, strings.Join(words, ""))
			for _, w := range words {
				assert.NotContains(t, w, " ")
			}
		})
	}
}
