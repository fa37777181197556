package extract

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"chinese terminators", "您好！报价单明天发您。有问题吗？", []string{"您好", "报价单明天发您", "有问题吗"}},
		{"closing quote stays out", "他说“下周给答复。”然后挂了", []string{"他说“下周给答复", "然后挂了"}},
		{"decimal point is not an end", "单价3.5万，v1.2版本。OK. Next", []string{"单价3.5万，v1.2版本", "OK", "Next"}},
		{"bullets and numbering", "待办：\n- 张伟：周五前提供测试报告\n1. 确认账期\n（2）安排演示\n① 复盘", []string{"待办：", "张伟：周五前提供测试报告", "确认账期", "安排演示", "复盘"}},
		{"numbers are not list markers", "3.5万的预算", []string{"3.5万的预算"}},
		{"blank and punctuation-only pieces dropped", "。。\n\n  ——\n好的", []string{"好的"}},
		{"mixed English", "We will send the PO by Friday; 请查收!", []string{"We will send the PO by Friday", "请查收"}},
		{"ideographic space", "\u3000\u3000王总您好", []string{"王总您好"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spans := Split(tt.in)
			var got []string
			runes := []rune(tt.in)
			for _, s := range spans {
				got = append(got, s.Text)
				assert.Equal(t, s.Text, string(runes[s.Start:s.End]), "offsets must locate the text")
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestIsBareDate(t *testing.T) {
	for text, want := range map[string]bool{
		"二〇二六年五月二十日":        true,
		"2026年5月20日":        true,
		" 2026 年 11 月 3 日 ": true,
		"二〇二五年四月十六日":        true,
		"2026年5月20日前提供报告":   false,
		"我们5月20日前提供报告":      false,
		"五月二十日":             false,
	} {
		assert.Equal(t, want, isBareDate(text), text)
	}
}
