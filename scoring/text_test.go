package scoring

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRelated(t *testing.T) {
	tests := []struct {
		promise, other string
		want           bool
	}{
		{"下周五前提供性能测试报告", "性能测试报告（第一版）", true},
		{"郑涛：9月18日前输出POC报告", "华锐POC报告", true},
		{"我本周四前把修订后的合同条款发您", "华锐合同条款修订v3.docx", true},
		{"我明天整理一份对比材料发您", "数衡与同类产品对比说明.pdf", true},
		{"刘洋：8月19日前提交技术方案v1", "技术方案v1.pdf", true},
		// Generic words and function characters relate nothing.
		{"8月29日前提供数据脱敏模块的测试报告", "关于数据治理平台项目的正式函告", false},
		{"我们承诺9月12日前把正式报告发给您", "关于项目的正式函告", false},
		{"下周一我把试点方案发您", "Re: 例行沟通", false},
		{"周五前一定给您", "周五的会议纪要", false},
		{"", "测试报告", false},
	}
	for _, tt := range tests {
		t.Run(tt.promise+"|"+tt.other, func(t *testing.T) {
			assert.Equal(t, tt.want, sharesTerm(keyTerms(tt.promise), keyTerms(tt.other)))
		})
	}
}

func TestKeyTerms(t *testing.T) {
	assert.Equal(t, map[string]bool{"测试": true, "试报": true, "报告": true, "v2": true}, keyTerms("测试报告v2.pdf"))
	assert.Equal(t, map[string]bool{"poc": true, "方案": true}, keyTerms("Re: POC方案"))
	assert.Empty(t, keyTerms("我这周五之前一定一定给您"))
}

func TestTitles(t *testing.T) {
	tests := []struct {
		title                       string
		technical, procurement, top bool
	}{
		{"CTO", true, false, true},
		{"技术总监", true, false, true},
		{"IT经理", true, false, false},
		{"架构师", true, false, false},
		{"信息科主任", true, false, true},
		{"采购经理", false, true, false},
		{"财务总监", false, true, true},
		{"总经理", false, false, true},
		{"Digital Marketing Director", false, false, true},
		{"Senior Software Engineer", true, false, false},
		{"", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			assert.Equal(t, tt.technical, isTechnicalTitle(tt.title), "technical")
			assert.Equal(t, tt.procurement, isProcurementTitle(tt.title), "procurement")
			assert.Equal(t, tt.top, isSeniorTitle(tt.title), "senior")
		})
	}
}

func TestTopicOf(t *testing.T) {
	tests := []struct {
		subtype, text string
		want          Dimension
	}{
		{"deliver", "下周五前提供性能测试报告", Technical},
		{"deliver", "周一前把正式报价发您", Commercial},
		{"payment", "首付款11月10日前安排", Commercial},
		{"fix", "这个我们下个版本处理", Technical},
		{"follow_up", "下周给你个准信", ""},
		{"deliver", "把报价和技术方案一起发您", Commercial}, // what comes first is what it is about
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, topicOf(tt.subtype, tt.text), tt.text)
	}
}

func TestTone(t *testing.T) {
	sig, ok := tone("谢谢，不过我们暂时不考虑")
	assert.True(t, ok)
	assert.Equal(t, SigColdTone, sig, "a polite brush-off is cold")
	sig, ok = tone("辛苦了，方案很专业")
	assert.True(t, ok)
	assert.Equal(t, SigWarmTone, sig)
	_, ok = tone("我们下周安排评审")
	assert.False(t, ok)
}

func TestClip(t *testing.T) {
	assert.Equal(t, "测试报告", clip(" 测试报告 ", 10))
	assert.Equal(t, "测试报…", clip("测试报告已发送", 4), "cut on runes, not bytes")
}
