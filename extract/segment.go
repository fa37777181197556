package extract

import (
	"fmt"
	"strings"
	"sync"
	"unicode"

	"github.com/go-ego/gse"
)

// salesTerms are words of B2B sales talk that the general dictionary splits
// badly ("下周三" came out as "下周 / 三前"). The frequency is high enough to
// win over the general entries.
var salesTerms = []string{
	"账期", "回款", "报价单", "报价", "询价", "比价", "采购", "招标", "投标", "标书", "合同",
	"付款", "预付款", "尾款", "发票", "折扣", "返点", "预算", "立项", "审批", "决策",
	"竞品", "友商", "供应商", "甲方", "乙方", "对接", "联调", "上线", "部署", "实施",
	"验收", "试用", "测试报告", "技术方案", "解决方案", "演示", "交付", "排期", "工期",
	"售后", "运维", "私有化", "接口", "数据迁移", "等保", "合规", "审计", "对账",
	"斟酌", "汇报", "答复", "反馈", "跟进", "推进", "落地", "复盘", "评审", "拍板",
	"周一", "周二", "周三", "周四", "周五", "周六", "周日", "周末",
	"下周一", "下周二", "下周三", "下周四", "下周五", "下周六", "下周日",
	"本周一", "本周二", "本周三", "本周四", "本周五", "这周五", "下下周",
	"月底", "月初", "月中", "年底", "年前", "节后", "节前", "下个月", "这个月",
	"今天", "明天", "后天", "大后天", "三天内", "两周后", "一周内",
	"我们这边", "你们那边", "贵司", "我司", "咱们",
}

// Segmenter cuts Chinese text into words with gse. Loading the dictionary
// takes seconds and hundreds of megabytes, so one Segmenter is shared by
// everything in the process; it is safe for concurrent use once loaded.
type Segmenter struct {
	seg gse.Segmenter
}

var (
	sharedOnce sync.Once
	shared     *Segmenter
	sharedErr  error
)

// LoadSegmenter returns the process-wide segmenter, loading the embedded
// simplified-Chinese dictionary on first use.
func LoadSegmenter() (*Segmenter, error) {
	sharedOnce.Do(func() {
		s := &Segmenter{}
		if err := s.seg.LoadDictEmbed("zh_s"); err != nil {
			sharedErr = fmt.Errorf("load gse dictionary: %w", err)
			return
		}
		for _, w := range salesTerms {
			if err := s.seg.AddToken(w, 100000); err != nil {
				sharedErr = fmt.Errorf("add sales term %q: %w", w, err)
				return
			}
		}
		shared = s
	})
	return shared, sharedErr
}

// Words returns the words of text in their original case (gse lowercases
// Latin letters; the words are cut back out of the original by rune
// counts). Blanks are dropped.
func (s *Segmenter) Words(text string) []string {
	cut := s.seg.Cut(text, true)
	runes := []rune(text)
	words := make([]string, 0, len(cut))
	pos := 0
	for _, w := range cut {
		n := len([]rune(w))
		if pos+n > len(runes) {
			n = len(runes) - pos
		}
		piece := string(runes[pos : pos+n])
		pos += n
		words = append(words, strings.FieldsFunc(piece, isBlank)...)
	}
	return words
}

// Joined returns the words of text separated by single spaces: the input
// form of the sentence classifier.
func (s *Segmenter) Joined(text string) string {
	return strings.Join(s.Words(text), " ")
}

func isBlank(r rune) bool { return unicode.IsSpace(r) || r == '\u3000' }
