package notify

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
		c     cost
		want  string
	}{
		{"fits", "客户失联", 12, utf8Bytes, "客户失联"},
		{"cut between runes", "客户失联了", 10, utf8Bytes, "客户…"}, // 6 bytes + 3 for the ellipsis; a 4th rune would split
		{"mixed scripts", "Q4预算", 7, utf8Bytes, "Q4…"},
		{"runes", "下周三前发测试报告", 5, runeCount, "下周三前…"},
		{"json escapes count", `"a"b`, 5, jsonBytes, `"…`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := truncate(tt.in, tt.limit, tt.c)
			assert.Equal(t, tt.want, got)
			assert.True(t, utf8.ValidString(got))
			assert.LessOrEqual(t, size(got, tt.c), tt.limit)
		})
	}
}

func TestJSONBytesMatchesEncoder(t *testing.T) {
	for _, s := range []string{
		"纯中文：“引号”（括号）。",
		"mixed 中英 \"quotes\" \\ back\nslash\ttab <font color=\"info\">",
		"\x01control\u2028line sep",
		"emoji 🚀 and ideographic\u3000space",
	} {
		b, err := marshal(s)
		require.NoError(t, err)
		assert.Equal(t, len(b)-2, size(s, jsonBytes), "%q", s)
	}
}

func TestClean(t *testing.T) {
	assert.Equal(t, "下周三之前 我们把报告发给您。", clean("  下周三之前\r\n\t我们把报告发给您。 "))
	assert.Equal(t, "全角\u3000空格", clean("全角\u3000空格"))
	assert.Equal(t, "坏\uFFFD字节", clean("坏\xff字节"))
	assert.Equal(t, "no # heading", clean("no\n# heading"))
}

func TestPack(t *testing.T) {
	head := func(n int) string { return strings.Repeat("h", n) }
	sections := []string{strings.Repeat("a", 10), strings.Repeat("b", 10), strings.Repeat("c", 50), "d"}
	groups := pack(sections, "--", head, 30, utf8Bytes)
	var idx [][]int
	for _, g := range groups {
		idx = append(idx, g.idx)
		assert.LessOrEqual(t, len(g.content), 30)
	}
	assert.Equal(t, [][]int{{0, 1}, {2}, {3}}, idx)
	assert.Equal(t, "hh"+strings.Repeat("a", 10)+"--"+strings.Repeat("b", 10), groups[0].content)
	assert.True(t, strings.HasSuffix(groups[1].content, "…"), "an oversized section is cut, not dropped")
}
