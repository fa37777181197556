package eval

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/extract/gold"
)

func TestCoverage(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"周五前把报价单发给您", "我们周五前把报价单发给您，请查收", 1},
		{"价格 这块 还要 再斟酌", "价格这块还要再斟酌", 1},
		{"报价单", "会议纪要", 0},
		{"下周三提供测试报告", "测试报告下周三", 4.0 / 7.0},
		{"", "x", 0},
	}
	for _, tt := range tests {
		assert.InDelta(t, tt.want, Coverage(tt.a, tt.b), 1e-9, "%q vs %q", tt.a, tt.b)
	}
}

func TestEvaluate(t *testing.T) {
	golds := []gold.Item{
		{MessageID: "m1", Type: extract.Commitment, Party: "vendor", Text: "周五前把报价单发给您", Due: "2026-03-13", Subtype: "deliver"},
		{MessageID: "m1", Type: extract.Objection, Party: "customer", Text: "价格这块我们还要再斟酌一下", Subtype: "price"},
		{MessageID: "m2", Type: extract.PainPoint, Party: "customer", Text: "每个月对账要三个人加班一周", Subtype: "efficiency"},
	}
	predicted := []extract.Item{
		// Matches the commitment, right party and due date.
		{MessageID: "m1", Type: extract.Commitment, Party: "vendor", Text: "我们周五前把报价单发给您", Due: "2026-03-13", Subtype: "deliver", Confidence: 0.9},
		// A second prediction of the same gold item does not match again.
		{MessageID: "m1", Type: extract.Commitment, Party: "vendor", Text: "周五前把报价单发给您", Confidence: 0.6},
		// Right text, wrong type: no match.
		{MessageID: "m1", Type: extract.PainPoint, Party: "customer", Text: "价格这块我们还要再斟酌一下", Confidence: 0.8},
		// Right text and type but another message: no match.
		{MessageID: "m1", Type: extract.PainPoint, Party: "customer", Text: "每个月对账要三个人加班一周", Confidence: 0.7},
		// Matches, wrong party and subtype.
		{MessageID: "m2", Type: extract.PainPoint, Party: "vendor", Text: "对账要三个人加班", Subtype: "staffing", Confidence: 0.7},
	}
	r := Evaluate(golds, predicted)
	assert.Equal(t, Counts{Gold: 1, Predicted: 2, Matched: 1}, r.PerType[extract.Commitment])
	assert.Equal(t, Counts{Gold: 1, Predicted: 0, Matched: 0}, r.PerType[extract.Objection])
	assert.Equal(t, Counts{Gold: 1, Predicted: 3, Matched: 1}, r.PerType[extract.PainPoint])
	assert.Equal(t, Counts{Gold: 3, Predicted: 5, Matched: 2}, r.Micro())
	assert.InDelta(t, 0.4, r.Micro().Precision(), 1e-9)
	assert.InDelta(t, (2.0/3.0+0+0.5)/3, r.MacroF1(), 1e-9)
	assert.Equal(t, Agreement{Right: 1, Of: 2}, r.Party)
	assert.Equal(t, Agreement{Right: 1, Of: 1}, r.Due)
	assert.Equal(t, Agreement{Right: 1, Of: 2}, r.Subtype)

	assert.Equal(t, []Error{
		{Kind: "party", MessageID: "m2", Type: extract.PainPoint, Text: "每个月对账要三个人加班一周", Want: "customer", Got: "vendor"},
		{Kind: "subtype", MessageID: "m2", Type: extract.PainPoint, Text: "每个月对账要三个人加班一周", Want: "efficiency", Got: "staffing"},
		{Kind: "miss", MessageID: "m1", Type: extract.Objection, Text: "价格这块我们还要再斟酌一下", ConfusedWith: extract.PainPoint, Confidence: 0.8},
		{Kind: "false_alarm", MessageID: "m1", Type: extract.Commitment, Text: "周五前把报价单发给您", Confidence: 0.6},
		{Kind: "false_alarm", MessageID: "m1", Type: extract.PainPoint, Text: "价格这块我们还要再斟酌一下", ConfusedWith: extract.Objection, Confidence: 0.8},
		{Kind: "false_alarm", MessageID: "m1", Type: extract.PainPoint, Text: "每个月对账要三个人加班一周", Confidence: 0.7},
	}, r.Errors)
	s := r.Summary()
	assert.Equal(t, 0.4, s.Micro.Precision)
	assert.Equal(t, 2, s.Matched)

	var buf bytes.Buffer
	require.NoError(t, r.Write(&buf))
	assert.Contains(t, buf.String(), "micro")
	assert.Contains(t, buf.String(), "party accuracy 0.500")
}

func TestAbove(t *testing.T) {
	items := []extract.Item{{Text: "a", Confidence: 0.55}, {Text: "b", Confidence: 0.5499}, {Text: "c", Confidence: 0.7}, {Text: "d", Confidence: 0.3}}
	var got []string
	for _, it := range Above(items, 0.55) {
		got = append(got, it.Text)
	}
	assert.Equal(t, []string{"a", "c"}, got, "float32(0.55) does not lose the items of 0.55")
	assert.Len(t, Above(items, 0.3), 4)
	assert.Empty(t, Above(items, 0.8))
}
